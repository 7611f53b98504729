// The projector's reveal chart rows for every question kind.
import assert from "node:assert/strict";
import { test } from "node:test";

import { useCatalog } from "../../kiosk_ui/static/js/i18n.js";
import { chartRows, rightAnswerText } from "../../kiosk_ui/static/js/reveal-rows.js";

useCatalog("en", {});

const question = { index: 0, choices: [{ en: "Aspirin" }, { en: "Paracetamol" }, null] };

test("choice questions: one row per option, its text or 'Option X', the right ones marked", () => {
  const reveal = { index: 0, kind: "multi", distribution: [3, 5, 0], correct: [1, 2] };
  const rows = chartRows(reveal, question);
  assert.deepEqual(
    rows.map((row) => [row.index, row.letter, row.label, row.count, row.correct]),
    [
      [0, "A", "Aspirin", 3, false],
      [1, "B", "Paracetamol", 5, true],
      [2, "C", "Option C", 0, true],
    ],
  );
  assert.equal(rightAnswerText(reveal, question), "B Paracetamol, C Option C");
});

test("without the question (a reload during the reveal) the rows still have labels", () => {
  const rows = chartRows({ kind: "single", distribution: [1, 2], correct: [0] }, null);
  assert.deepEqual(rows.map((row) => row.label), ["Option A", "Option B"]);
});

test("true/false: two rows, the right one marked", () => {
  const rows = chartRows({ kind: "truefalse", distribution: [4], correct: false }, null);
  assert.deepEqual(rows.map((row) => [row.label, row.count, row.correct]), [["True", 4, false], ["False", 0, true]]);
});

test("order and typed: right and other, as plain rows", () => {
  const order = chartRows({ kind: "order", distribution: [2, 7] }, null);
  assert.deepEqual(order.map((row) => [row.label, row.count, row.correct, row.plain]), [
    ["Right order", 2, true, true],
    ["Another order", 7, false, true],
  ]);
  const typed = chartRows({ kind: "typed", distribution: [] }, null);
  assert.deepEqual(typed.map((row) => row.label), ["Right answer", "Other answers"]);
  assert.equal(rightAnswerText({ kind: "typed", distribution: [1, 1] }, null), "Right answer");
});

test("a poll has no right answer to announce", () => {
  assert.equal(rightAnswerText({ kind: "poll", distribution: [1, 2], correct: null }, question), "");
});
