/**
 * race-steps.js: what the phone shows about a case race, as data (pure; node's tests run it).
 * docs/case-race.md has the messages: race_step, attempt_result, race_finished, race_rank.
 *
 *   asQuestion(step) -> the question shape player-answers.js draws its widgets from
 *   stepHeading(step) -> [[msgid, args], …]: "Case 1 of 2", "Step 3 of 5" (joined with " · ")
 *   caseHeading(step) -> [msgid, args]: "Case 1 of 2: <title>" or just the title
 *   stepsDone(step) / progressFraction(done, total): the bar under the heading
 *   accuracyPercent(firstTry, steps) -> 0..100, whole
 *   confirmDelay(explanation) -> ms the "right" confirmation stays before the next step
 *   lockedMsFromError(error) -> the penalty left that a `step_locked` refusal names, in ms
 *   finishFacts(finished | rank, total) -> {time, place, players, firstTry, steps, percent, finished}
 */

import { N_ } from "./i18n.js";

export function asQuestion(step) {
  return {
    index: step.index,
    total: step.total,
    kind: step.kind,
    text: step.text,
    image: step.image || null,
    choices: Array.isArray(step.choices) ? step.choices : undefined,
    attempts: step.attempts || 0,
    show_text_on_phones: true,
    points: 1,
  };
}

function caseOf(step) {
  return step && step.case ? step.case : {};
}

export function stepHeading(step) {
  const c = caseOf(step);
  const parts = [];
  if ((c.of || 1) > 1) parts.push([N_("Case %(number)s of %(of)s"), { number: c.number, of: c.of }]);
  const number = c.step || step.index + 1;
  const steps = c.steps || step.total;
  parts.push([N_("Step %(step)s of %(steps)s"), { step: number, steps: steps }]);
  return parts;
}

export function caseHeading(step) {
  const c = caseOf(step);
  if ((c.of || 1) > 1) return [N_("Case %(number)s of %(of)s"), { number: c.number, of: c.of }];
  return [N_("Patient case"), {}];
}

/** Steps done before this one (the step's index in the whole race). */
export function stepsDone(step) {
  return step ? step.index : 0;
}

export function progressFraction(done, total) {
  if (!total) return 0;
  return Math.max(0, Math.min(1, done / total));
}

export function accuracyPercent(firstTry, steps) {
  if (!steps) return 0;
  return Math.round((100 * Math.max(0, firstTry)) / steps);
}

/** Long enough to read the explanation of a right answer, never long in a race. */
export function confirmDelay(explanation) {
  const length = typeof explanation === "string" ? explanation.length : 0;
  if (!length) return 1500;
  return Math.max(3500, Math.min(9000, 2000 + length * 35));
}

export function lockedMsFromError(error) {
  if (error && typeof error.retry_after_ms === "number") return error.retry_after_ms;
  const found = /(\d+)\s*ms/.exec((error && error.message) || ""); // an older server
  return found ? Number(found[1]) : 1000;
}

/** The facts of a finish (race_finished) or of the end (race_rank), for the screens. */
export function finishFacts(result, total) {
  const r = result || {};
  const steps = typeof r.steps === "number" ? r.steps : 0;
  const finished = r.finished !== false && typeof r.time_ms === "number";
  // race_finished's `steps` is the race's step count; race_rank's is the steps done.
  const all = total || steps;
  const done = finished ? all : steps;
  return {
    finished: finished,
    time: finished ? r.time_ms : null,
    place: r.rank || null,
    players: r.players || 0,
    firstTry: r.first_try || 0,
    done: done,
    total: all,
    percent: accuracyPercent(r.first_try || 0, finished ? all : done),
  };
}
