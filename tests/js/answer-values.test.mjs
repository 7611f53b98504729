// What the player's taps and keys mean as an answer value, for every question kind.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  answerValue,
  choices,
  emptySelection,
  hasChoiceText,
  instructionFor,
  keyHintFor,
  keyIndex,
  moved,
  optionCount,
  toggled,
} from "../../kiosk_ui/static/js/answer-values.js";

const four = [{ en: "a" }, { en: "b" }, { en: "c" }, { en: "d" }];
const sel = (changes) => Object.assign(emptySelection(), changes);

test("single and poll: the index picked, nothing before a pick", () => {
  assert.equal(answerValue({ kind: "single", choices: four }, sel({ single: 2 })), 2);
  assert.equal(answerValue({ kind: "single", choices: four }, sel({ single: 0 })), 0);
  assert.equal(answerValue({ kind: "poll", choices: four }, sel({ single: 3 })), 3);
  assert.equal(answerValue({ kind: "single", choices: four }, sel()), null);
});

test("true/false: the first button is true, the second false", () => {
  assert.equal(answerValue({ kind: "truefalse" }, sel({ single: 0 })), true);
  assert.equal(answerValue({ kind: "truefalse" }, sel({ single: 1 })), false);
  assert.equal(answerValue({ kind: "truefalse" }, sel()), null);
});

test("multi: the chosen indexes, sorted, without changing the selection", () => {
  const selection = sel({ multi: [3, 0, 2] });
  assert.deepEqual(answerValue({ kind: "multi", choices: four }, selection), [0, 2, 3]);
  assert.deepEqual(selection.multi, [3, 0, 2]);
  assert.equal(answerValue({ kind: "multi", choices: four }, sel()), null);
});

test("order: only once every step is placed, in the order placed", () => {
  const q = { kind: "order", choices: four };
  assert.deepEqual(answerValue(q, sel({ order: [2, 0, 3, 1] })), [2, 0, 3, 1]);
  assert.equal(answerValue(q, sel({ order: [2, 0, 3] })), null);
  assert.equal(answerValue({ kind: "order", choices: [] }, sel()), null);
});

test("typed: the text without surrounding spaces, nothing when blank", () => {
  const q = { kind: "typed" };
  assert.equal(answerValue(q, sel(), "  Z99 secret "), "Z99 secret");
  assert.equal(answerValue(q, sel(), "   "), null);
  assert.equal(answerValue(q, sel(), undefined), null);
});

test("toggling and moving make new lists", () => {
  const chosen = [1];
  assert.deepEqual(toggled(chosen, 3), [1, 3]);
  assert.deepEqual(toggled([1, 3], 1), [3]);
  assert.deepEqual(chosen, [1]);
  const order = [0, 1, 2, 3];
  assert.deepEqual(moved(order, 0, 2), [1, 2, 0, 3]);
  assert.deepEqual(moved(order, 3, 0), [3, 0, 1, 2]);
  assert.deepEqual(order, [0, 1, 2, 3]);
});

test("keys 1–6 and A–F (also the numpad and other layouts' key values) pick options", () => {
  assert.equal(keyIndex({ code: "Digit1", key: "1" }), 0);
  assert.equal(keyIndex({ code: "Numpad6", key: "6" }), 5);
  assert.equal(keyIndex({ code: "KeyC", key: "c" }), 2);
  assert.equal(keyIndex({ code: "KeyF", key: "а" }), 5); // Cyrillic layout: the key's place counts
  assert.equal(keyIndex({ key: "B" }), 1);
  assert.equal(keyIndex({ key: "4" }), 3);
  assert.equal(keyIndex({ code: "Digit7", key: "7" }), -1);
  assert.equal(keyIndex({ code: "KeyG", key: "g" }), -1);
  assert.equal(keyIndex({ code: "Enter", key: "Enter" }), -1);
  assert.equal(keyIndex({ code: "F1", key: "F1" }), -1);
});

test("option counts and texts", () => {
  assert.equal(optionCount({ kind: "truefalse" }), 2);
  assert.equal(optionCount({ kind: "single", choices: four }), 4);
  assert.deepEqual(choices({ kind: "typed" }), []);
  assert.equal(hasChoiceText({ choices: four }), true);
  assert.equal(hasChoiceText({ choices: four, show_text_on_phones: false }), false);
  assert.equal(hasChoiceText({ choices: [null, null] }), false);
});

test("every kind has an instruction and a key hint (msgids)", () => {
  for (const kind of ["single", "multi", "truefalse", "order", "typed", "poll"]) {
    assert.equal(typeof instructionFor(kind), "string");
    assert.equal(typeof keyHintFor(kind), "string");
  }
  assert.equal(instructionFor("multi"), "Choose all the right answers, then press Send.");
  assert.equal(instructionFor("unknown"), "Choose one answer.");
  assert.equal(keyHintFor("truefalse"), "Keys: 1 or A = True, 2 or B = False, then Enter.");
});
