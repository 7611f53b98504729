/**
 * player-verdicts.js: what the phone says about a result, as data (pure; node's tests run it).
 *
 *   verdictState(reveal, result) -> "pending" | "poll" | "none" | "correct" | "partial" | "incorrect"
 *   verdictMsgid(state, result), VERDICT_MARKS[state], rankMessage(rank): msgids and marks
 */

import { N_ } from "./i18n.js";

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
      return N_("Waiting for your result…");
    case "poll":
      return result && result.answered ? N_("Thanks for your vote!") : N_("No vote this time");
    case "none":
      return N_("Time ran out: no answer");
    case "correct":
      return N_("Correct!");
    case "partial":
      return N_("Partly right");
    default:
      return N_("Not quite");
  }
}

export function rankMessage(rank) {
  if (rank === 1) return N_("You are in the lead!");
  if (rank && rank <= 3) return N_("You are in the top three. Keep it up!");
  return N_("Keep going: every question counts!");
}
