/**
 * player-race-screens.js: how the player page draws a case race (templates/player_layout.html):
 * the patient story above the step, the step's heading, clock and progress on the question
 * screen (the answer widgets are player-answers.js's), the result of an attempt (right, or
 * wrong with the explanation and the penalty countdown), the finish and the final screen.
 * What the numbers mean is race-steps.js; when each is drawn is player-race.js.
 *
 *   useRaceLayout(on)  drawStory(step)  foldStory()  drawStep(race)  drawClock(leftMs, paused)
 *   drawResult(race)  drawPenalty(leftMs, totalMs)  drawAdvance(leftMs)  drawFinished(race)
 *   drawRaceFinal(race)
 */

import { clear, h } from "./dom.js";
import { clearText, formatNumber, N_, setCount, setLocalized, setText, t, tn } from "./i18n.js";
import { formatClock, secondsShown } from "./countdown.js";
import { answerChips } from "./player-chips.js";
import { ofPlayers } from "./player-results.js";
import { $, S } from "./player-state.js";
import { caseHeading, finishFacts, progressFraction, stepHeading } from "./race-steps.js";

let storyCase = null; // the case whose story was drawn last (a new case opens it)

const joined = (parts) => parts.map((part) => t(part[0], part[1])).join(" · ");

/** The quiz's and the race's own pieces of the shared screens: show one set, hide the other. */
export function useRaceLayout(on) {
  $("q-timer").hidden = on;
  $("q-timer-track").hidden = on;
  $("race-clock").hidden = !on;
  $("race-progress").hidden = !on;
  $("bar-score-box").hidden = on;
  $("bar-steps").hidden = !on;
  $("lobby-race-note").hidden = !on;
  $("final-quiz-stats").hidden = on;
  $("final-race-stats").hidden = !on;
  if (!on) {
    $("race-story").hidden = true;
    $("race-attempt").hidden = true;
    $("race-last-why").hidden = true;
    $("q-figure").hidden = true;
  }
}

/** The story is open for a new case; after the first answer in it, it folds away (one tap opens it). */
export function foldStory() {
  $("race-story").open = false;
}

export function drawStory(step) {
  const c = (step && step.case) || {};
  const heading = caseHeading(step);
  setText($("race-story-case"), heading[0], heading[1]);
  setLocalized($("race-story-title"), c.title || "");
  setLocalized($("race-story-text"), c.story || "");
  const key = c.id + "/" + c.number;
  if (key !== storyCase) {
    // A new case: its story is open; after that it stays as the person leaves it.
    storyCase = key;
    $("race-story").open = true;
  }
}

export function drawStep(race) {
  const step = race.step;
  const parts = stepHeading(step);
  setCount($("q-progress"), () => joined(parts));
  $("q-points").hidden = true;
  $("race-progress-bar").style.transform = "scaleX(" + progressFraction(race.done, race.total).toFixed(3) + ")";
  const attempt = $("race-attempt");
  attempt.hidden = !step.attempts;
  if (step.attempts) setText(attempt, "Attempt %(number)s", { number: step.attempts + 1 });
  const why = race.lastWhy && race.lastWhy.index === step.index ? race.lastWhy.explanation : null;
  $("race-last-why").hidden = !why;
  if (why) setLocalized($("race-last-why-text"), why);
  const figure = $("q-figure");
  figure.hidden = !step.image;
  if (step.image) {
    const image = $("q-image");
    const src = "/media/" + step.image.split("/").map(encodeURIComponent).join("/");
    if (image.getAttribute("src") !== src) image.src = src;
    image.alt = t("Picture for this step");
  }
  drawStory(step);
}

export function drawClock(leftMs, paused) {
  const face = $("race-clock");
  $("race-clock-time").textContent = formatClock(leftMs);
  face.classList.toggle("low", leftMs < 60000);
  face.classList.toggle("paused", !!paused);
  $("q-paused").hidden = !paused;
  $("screen-question").classList.toggle("paused", !!paused);
}

export function drawResult(race) {
  const r = race.result || {};
  const right = !!r.correct;
  $("race-verdict").dataset.verdict = right ? "correct" : "incorrect";
  $("race-verdict-mark").textContent = right ? "✓" : "✗";
  const verdict = right ? N_("Right!") : N_("Not quite");
  setText($("race-verdict-text"), verdict);
  const step = race.step || {};
  const c = step.case || {};
  if (right) setText($("race-verdict-sub"), "Step %(step)s of %(steps)s done", { step: c.step || 1, steps: c.steps || 1 });
  else {
    const parts = stepHeading(step);
    setCount($("race-verdict-sub"), () => joined(parts));
  }

  const why = r.explanation ? r.explanation : null;
  $("race-why-block").hidden = !why;
  if (why) setLocalized($("race-why"), why);

  const mine = clear($("race-mine"));
  if (!right && r.value !== null && r.value !== undefined && S.question) {
    const shape = S.question.kind === "order" ? Object.assign({}, S.question, { show_text_on_phones: false }) : S.question;
    mine.appendChild(answerChips(shape, r.value, N_("Your answer")));
  }
  mine.hidden = !mine.firstChild;

  $("race-penalty").hidden = right || !race.penalty;
  const button = $("race-continue");
  if (right) {
    const label = race.finished || step.index + 1 >= race.total ? N_("See my result") : N_("Next step");
    setText(button, label);
    button.disabled = false;
  } else {
    setText(button, "Try again");
    button.disabled = !!race.penalty;
  }
  clearText($("race-continue-note"));
}

export function drawPenalty(leftMs, totalMs) {
  const seconds = secondsShown(leftMs);
  setCount($("race-penalty-text"), () =>
    tn("You can try again in %(num)s second", "You can try again in %(num)s seconds", seconds),
  );
  const fraction = totalMs > 0 ? Math.max(0, Math.min(1, leftMs / totalMs)) : 0;
  $("race-penalty-bar").style.transform = "scaleX(" + fraction.toFixed(3) + ")";
}

export function drawAdvance(leftMs) {
  const note = $("race-continue-note");
  if (leftMs === null) {
    clearText(note);
    return;
  }
  const seconds = secondsShown(leftMs);
  setCount(note, () => tn("The next step opens in %(num)s second", "The next step opens in %(num)s seconds", seconds));
}

function firstTryText(facts) {
  return t("%(first)s of %(steps)s (%(percent)s)", {
    first: facts.firstTry,
    steps: facts.finished ? facts.total : facts.done,
    percent: facts.percent + "%",
  });
}

export function drawFinished(race) {
  const facts = finishFacts(race.finished, race.total);
  $("finish-time").textContent = facts.time === null ? "–" : formatClock(facts.time);
  const rank = $("finish-rank");
  if (facts.place) setText(rank, "%(rank)s of %(players)s", { rank: facts.place, players: facts.players || "?" });
  else rank.textContent = "–";
  setCount($("finish-first-try"), () => firstTryText(facts));
}

function topRow(entry, total) {
  const me = S.player && entry.id === S.player.id;
  const score = entry.finished
    ? h("span", { class: "top-score", text: formatClock(entry.time_ms || 0) })
    : h("span", { class: "top-score" });
  if (!entry.finished) {
    const steps = entry.steps;
    setCount(score, () => tn("%(num)s of %(total)s step", "%(num)s of %(total)s steps", total, { num: steps, total: total }));
  }
  return h(
    "li",
    { class: "top-row" + (me ? " me" : ""), "data-rank": entry.rank },
    h("span", { class: "top-rank", "aria-hidden": "true" }, String(entry.rank)),
    h("span", { class: "top-name", text: entry.name }),
    me ? h("span", { class: "top-you", i18n: N_("(you)") }) : null,
    score,
  );
}

export function drawRaceFinal(race) {
  const over = race.over || {};
  const mine = race.rank || race.finished || null;
  const facts = finishFacts(mine, race.total);
  setText($("final-title"), "The race is over");
  const place = facts.place || S.rank;
  $("final-place").textContent = place ? String(place) : "–";
  $("final-badge").dataset.top = place && place <= 3 ? String(place) : "";
  const players = over.players || facts.players || S.players;
  setCount($("final-players"), () => ofPlayers(players));
  if (facts.finished) {
    setText($("final-race-label"), "Your time");
    $("final-race-value").textContent = facts.time === null ? "–" : formatClock(facts.time);
  } else {
    setText($("final-race-label"), "Steps done");
    $("final-race-value").textContent = mine ? facts.done + " / " + facts.total : "–";
  }
  const first = $("final-race-first");
  if (mine) setCount(first, () => firstTryText(facts));
  else clearText(first).textContent = "–";
  const top = clear($("final-top"));
  const list = over.top || [];
  list.slice(0, 3).forEach((entry) => top.appendChild(topRow(entry, race.total)));
  top.parentElement.hidden = list.length === 0;
  $("final-score").textContent = formatNumber(0);
  $("final-race-stats").hidden = false;
  $("final-quiz-stats").hidden = true;
}
