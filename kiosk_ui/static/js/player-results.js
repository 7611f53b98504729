/**
 * player-results.js: the screens after answering: "answer received" (with the countdown),
 * the reveal (verdict, points, place, the right answer and the player's own when wrong,
 * the room's votes for a poll, the explanation), the place after a leaderboard, and the
 * final screen with the top three.
 *
 *   showAnswered(), showReveal(), showRank(), showFinal()
 *   verdictAnnouncement(), rankAnnouncement(), finalAnnouncement(): what a screen reader hears
 */

import { clear, h } from "./dom.js";
import { clearText, formatNumber, N_, setCount, setLocalized, setText, t, tn } from "./i18n.js";
import { letterClass } from "./glyphs.js";
import { choices, hasChoiceText } from "./answer-values.js";
import { VERDICT_MARKS, rankMessage, verdictMsgid, verdictState } from "./player-verdicts.js";
import { answerChips, optionFace } from "./player-chips.js";
import { $, S } from "./player-state.js";
import { show } from "./player-screens.js";
import { redrawTimer } from "./player-timer.js";

/** "+500 points": the points a result earned, in the language's plural form. */
export function pointsText(points) {
  return tn("+%(num)s point", "+%(num)s points", points, { num: formatNumber(points) });
}

/** "of 18 players" under a place, or "of ? players" before the count is known. */
export function ofPlayers(players) {
  return tn("of %(num)s player", "of %(num)s players", players || 0, { num: players || "?" });
}

export function showAnswered() {
  const summary = clear($("answered-summary"));
  const q = S.question;
  if (q && S.answered) summary.appendChild(answerChips(q, S.answered.value, N_("Your answer")));
  show("answered");
  redrawTimer();
}

export function verdictAnnouncement() {
  const parts = [t(verdictMsgid(verdictState(S.reveal, S.result), S.result))];
  if (S.result && S.result.points) parts.push(pointsText(S.result.points));
  if (S.result && S.result.rank) parts.push(t("Place %(rank)s of %(players)s", { rank: S.result.rank, players: S.players || "?" }));
  return parts.join(". ");
}

export function showReveal() {
  const reveal = S.reveal || {};
  const r = S.result;
  const q = S.question && S.question.index === reveal.index ? S.question : null;
  const state = verdictState(reveal, r);
  $("reveal-verdict").dataset.verdict = state;
  $("reveal-verdict-mark").textContent = VERDICT_MARKS[state];
  setText($("reveal-verdict-text"), verdictMsgid(state, r));
  const points = $("reveal-points");
  if (r && state !== "poll" && (r.points > 0 || state === "correct")) {
    const earned = r.points;
    setCount(points, () => pointsText(earned));
  } else {
    clearText(points);
  }
  $("reveal-score").textContent = formatNumber(S.score);
  const rank = $("reveal-rank");
  if (S.rank) setText(rank, "%(rank)s of %(players)s", { rank: S.rank, players: S.players || "?" });
  else rank.textContent = "–";

  const answerBox = clear($("reveal-answer"));
  const mineBox = clear($("reveal-mine"));
  const kind = reveal.kind;
  if (kind === "poll") {
    answerBox.appendChild(distribution(q, reveal.distribution || []));
  } else if (kind === "typed") {
    const accepted = Array.isArray(reveal.correct) ? reveal.correct : [];
    const block = h("div", { class: "chips-block" }, h("p", { class: "chips-label", i18n: N_("Correct answer") }));
    const chips = h("div", { class: "chips" });
    // The first accepted answer is the canonical one; the rest are spellings the server tolerates.
    accepted.slice(0, 1).forEach((text) => chips.appendChild(h("span", { class: "chip typed correct", text: String(text) })));
    block.appendChild(chips);
    answerBox.appendChild(block);
  } else if (reveal.correct !== undefined && reveal.correct !== null) {
    const shape = q || { kind: kind, choices: [], show_text_on_phones: false };
    answerBox.appendChild(answerChips(shape, reveal.correct, N_("Correct answer")));
  }
  const mine = S.answered && S.answered.index === reveal.index ? S.answered.value : null;
  if (mine !== null && kind !== "poll" && r && r.correct === false) {
    const shape = q || { kind: kind, choices: [], show_text_on_phones: false };
    // An ordering is long: the player's own order is shown by letter only.
    const compact = kind === "order" ? Object.assign({}, shape, { show_text_on_phones: false }) : shape;
    mineBox.appendChild(answerChips(compact, mine, N_("Your answer")));
  }
  mineBox.hidden = !mineBox.firstChild;
  answerBox.hidden = !answerBox.firstChild;

  const explanation = reveal.explanation;
  $("reveal-explanation-block").hidden = !explanation;
  if (explanation) setLocalized($("reveal-explanation"), explanation);
  show("reveal");
}

function distribution(q, counts) {
  const total = counts.reduce((sum, n) => sum + n, 0) || 1;
  const all = q ? choices(q) : [];
  const showText = q ? hasChoiceText(q) : false;
  const list = h(
    "div",
    { class: "distribution" + (showText ? " with-text" : ""), "data-testid": "reveal-distribution" },
    h("p", { class: "chips-label", i18n: N_("How the room voted") }),
  );
  counts.forEach((count, index) => {
    const bar = h("span", { class: "bar-fill " + letterClass(index) });
    bar.style.transform = "scaleX(" + (count / total).toFixed(3) + ")";
    list.appendChild(
      h(
        "div",
        { class: "bar-row" },
        h("span", { class: "chip " + letterClass(index) }, optionFace(index, all[index], showText && !!all[index])),
        h("span", { class: "bar-track", "aria-hidden": "true" }, bar),
        h("span", { class: "bar-count", text: String(count) }),
      ),
    );
  });
  return list;
}

export function rankAnnouncement() {
  return t("Place %(rank)s of %(players)s", { rank: S.rank, players: S.players }) + ". " + t(rankMessage(S.rank));
}

export function showRank() {
  const q = S.question;
  if (q) setText($("rank-after"), "After question %(number)s of %(total)s", { number: q.index + 1, total: q.total });
  else $("rank-after").textContent = "";
  $("rank-place").textContent = S.rank ? String(S.rank) : "–";
  $("rank-badge").dataset.top = S.rank && S.rank <= 3 ? String(S.rank) : "";
  const players = S.players;
  setCount($("rank-players"), () => ofPlayers(players));
  $("rank-score").textContent = formatNumber(S.score);
  setText($("rank-message"), rankMessage(S.rank));
  show("rank");
}

export function finalAnnouncement() {
  return (
    t("Place %(rank)s of %(players)s", { rank: S.rank || "?", players: S.players || "?" }) +
    ". " +
    t("Final score") +
    ": " +
    formatNumber(S.score)
  );
}

export function showFinal() {
  setText($("final-title"), S.phase === "ended" ? "The game has ended" : "Final results");
  $("final-place").textContent = S.rank ? String(S.rank) : "–";
  $("final-badge").dataset.top = S.rank && S.rank <= 3 ? String(S.rank) : "";
  const players = S.players;
  setCount($("final-players"), () => ofPlayers(players));
  $("final-score").textContent = formatNumber(S.score);
  const correct = $("final-correct");
  correct.textContent = S.correctCount !== null && S.correctCount !== undefined ? String(S.correctCount) : "–";
  const top = clear($("final-top"));
  const list = (S.board && S.board.top) || [];
  list.slice(0, 3).forEach((entry) => {
    const me = S.player && entry.id === S.player.id;
    top.appendChild(
      h(
        "li",
        { class: "top-row" + (me ? " me" : ""), "data-rank": entry.rank },
        h("span", { class: "top-rank", "aria-hidden": "true" }, String(entry.rank)),
        h("span", { class: "top-name", text: entry.name }),
        me ? h("span", { class: "top-you", i18n: N_("(you)") }) : null,
        h("span", { class: "top-score", text: formatNumber(entry.score) }),
      ),
    );
  });
  top.parentElement.hidden = list.length === 0;
  show("final");
}
