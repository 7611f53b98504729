// What the phone says about a result.
import assert from "node:assert/strict";
import { test } from "node:test";

import { VERDICT_MARKS, rankMessage, verdictMsgid, verdictState } from "../../kiosk_ui/static/js/player-verdicts.js";

test("verdicts from the result message", () => {
  const single = { kind: "single" };
  assert.equal(verdictState(single, null), "pending");
  assert.equal(verdictState(single, { answered: true, correct: true, points: 1000 }), "correct");
  assert.equal(verdictState(single, { answered: true, correct: false, points: 400 }), "partial");
  assert.equal(verdictState(single, { answered: true, correct: false, points: 0 }), "incorrect");
  assert.equal(verdictState(single, { answered: false, correct: false, points: 0 }), "none");
  assert.equal(verdictState({ kind: "poll" }, { answered: true, correct: null }), "poll");
  assert.equal(verdictState(single, { answered: true, correct: null }), "poll");
  assert.equal(verdictState(null, { answered: true, correct: true }), "correct");
});

test("each verdict has a text and a mark", () => {
  assert.equal(verdictMsgid("pending"), "Waiting for your result…");
  assert.equal(verdictMsgid("correct"), "Correct!");
  assert.equal(verdictMsgid("partial"), "Partly right");
  assert.equal(verdictMsgid("incorrect"), "Not quite");
  assert.equal(verdictMsgid("none"), "Time ran out: no answer");
  assert.equal(verdictMsgid("poll", { answered: true }), "Thanks for your vote!");
  assert.equal(verdictMsgid("poll", { answered: false }), "No vote this time");
  for (const state of ["pending", "correct", "partial", "incorrect", "none", "poll"]) {
    assert.ok(VERDICT_MARKS[state], state);
  }
});

test("a word of encouragement by place", () => {
  assert.equal(rankMessage(1), "You are in the lead!");
  assert.equal(rankMessage(3), "You are in the top three. Keep it up!");
  assert.equal(rankMessage(4), "Keep going: every question counts!");
  assert.equal(rankMessage(null), "Keep going: every question counts!");
});
