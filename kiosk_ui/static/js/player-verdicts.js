/**
 * player-verdicts.js: what the phone says about a result, as data (pure; node's tests run it).
 *
 *   verdictState(reveal, result) -> "pending" | "poll" | "none" | "correct" | "partial" | "incorrect"
 *   verdictMsgid(state, result), VERDICT_MARKS[state], rankMessage(rank): msgids and marks
 */

export const VERDICT_MARKS = { correct: "✓", partial: "½", incorrect: "✗", none: "–", poll: "✓", pending: "…" };

export function verdictState(reveal, result) {
  if (!result) return "pending";
  if ((reveal && reveal.kind === "poll") || result.correct === null) return "poll";
  if (!result.answered) return "none";
  if (result.correct) return "correct";
  return result.points > 0 ? "partial" : "incorrect";
}

export function verdictMsgid(state, result) {
  switch (state) {
    case "pending":
      return "Waiting for your result…";
    case "poll":
      return result && result.answered ? "Thanks for your vote!" : "No vote this time";
    case "none":
      return "Time ran out: no answer";
    case "correct":
      return "Correct!";
    case "partial":
      return "Partly right";
    default:
      return "Not quite";
  }
}

export function rankMessage(rank) {
  if (rank === 1) return "You are in the lead!";
  if (rank && rank <= 3) return "You are in the top three. Keep it up!";
  return "Keep going: every question counts!";
}
