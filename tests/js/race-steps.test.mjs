// What the phone shows about a case race: step headings, the question shape, finish facts.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  accuracyPercent,
  asQuestion,
  caseHeading,
  confirmDelay,
  finishFacts,
  lockedMsFromError,
  progressFraction,
  stepHeading,
  stepsDone,
} from "../../kiosk_ui/static/js/race-steps.js";
import { formatClock } from "../../kiosk_ui/static/js/countdown.js";

const step = (extra) =>
  Object.assign(
    {
      type: "race_step",
      index: 5,
      total: 8,
      case: { id: "second", number: 2, of: 2, title: { en: "Second" }, story: { en: "Story" }, steps: 4, step: 2 },
      kind: "multi",
      text: { en: "Step 6" },
      image: null,
      choices: [{ en: "A" }, { en: "B" }],
      attempts: 1,
      locked_ms: 0,
    },
    extra,
  );

test("a step is drawn by the quiz's answer widgets: the same question shape", () => {
  const q = asQuestion(step());
  assert.deepEqual(
    [q.index, q.total, q.kind, q.text, q.choices.length, q.attempts, q.show_text_on_phones],
    [5, 8, "multi", { en: "Step 6" }, 2, 1, true],
  );
  assert.equal(asQuestion(step({ kind: "typed", choices: undefined })).choices, undefined);
  assert.equal(asQuestion(step({ attempts: undefined })).attempts, 0);
});

test("the heading: case m of M (when there are several) and step k of n in the case", () => {
  assert.deepEqual(stepHeading(step()), [
    ["Case %(number)s of %(of)s", { number: 2, of: 2 }],
    ["Step %(step)s of %(steps)s", { step: 2, steps: 4 }],
  ]);
  const single = step({ index: 2, case: { number: 1, of: 1, steps: 4, step: 3 } });
  assert.deepEqual(stepHeading(single), [["Step %(step)s of %(steps)s", { step: 3, steps: 4 }]]);
  // Without case facts it counts in the whole race.
  assert.deepEqual(stepHeading({ index: 0, total: 8 }), [["Step %(step)s of %(steps)s", { step: 1, steps: 8 }]]);
  assert.deepEqual(caseHeading(step()), ["Case %(number)s of %(of)s", { number: 2, of: 2 }]);
  assert.deepEqual(caseHeading(single), ["Patient case", {}]);
});

test("progress and first-try accuracy", () => {
  assert.equal(stepsDone(step()), 5);
  assert.equal(stepsDone(null), 0);
  assert.equal(progressFraction(5, 8), 0.625);
  assert.equal(progressFraction(9, 8), 1);
  assert.equal(progressFraction(3, 0), 0);
  assert.equal(accuracyPercent(11, 14), 79);
  assert.equal(accuracyPercent(0, 0), 0);
  assert.equal(accuracyPercent(8, 8), 100);
});

test("the right answer's confirmation stays long enough to read, never long", () => {
  assert.equal(confirmDelay(""), 1500);
  assert.equal(confirmDelay(null), 1500);
  assert.equal(confirmDelay("Short."), 3500);
  assert.equal(confirmDelay("x".repeat(100)), 5500);
  assert.equal(confirmDelay("x".repeat(1000)), 9000);
});

test("a step_locked refusal names the penalty left", () => {
  assert.equal(lockedMsFromError({ message: "this step is locked for 6400 ms after a wrong answer" }), 6400);
  assert.equal(lockedMsFromError({ message: "no number" }), 1000);
  assert.equal(lockedMsFromError({ message: "locked for 6400 ms", retry_after_ms: 5200 }), 5200);
  assert.equal(lockedMsFromError(null), 1000);
});

test("finish facts: from race_finished, and from race_rank finished or not", () => {
  const finished = { type: "race_finished", time_ms: 312480, rank: 3, players: 28, steps: 14, first_try: 11, first_try_accuracy: 0.786 };
  assert.deepEqual(finishFacts(finished, 14), {
    finished: true, time: 312480, place: 3, players: 28, firstTry: 11, done: 14, total: 14, percent: 79,
  });
  const stopped = { type: "race_rank", rank: 7, players: 28, finished: false, steps: 9, time_ms: null, first_try: 7 };
  assert.deepEqual(finishFacts(stopped, 14), {
    finished: false, time: null, place: 7, players: 28, firstTry: 7, done: 9, total: 14, percent: 78,
  });
  const ranked = { type: "race_rank", rank: 1, players: 28, finished: true, steps: 14, time_ms: 200000, first_try: 14 };
  assert.equal(finishFacts(ranked, 14).percent, 100);
  assert.equal(finishFacts(null, 14).place, null);
});

test("the race clock: minutes and seconds, hours from an hour on, rounded up like the countdown", () => {
  assert.equal(formatClock(900000), "15:00");
  assert.equal(formatClock(899001), "15:00");
  assert.equal(formatClock(61000), "1:01");
  assert.equal(formatClock(9000), "0:09");
  assert.equal(formatClock(0), "0:00");
  assert.equal(formatClock(-5), "0:00");
  assert.equal(formatClock(3723000), "1:02:03");
});
