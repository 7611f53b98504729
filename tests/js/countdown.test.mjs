// The countdown: time left on a given clock, pausing, what is shown, the spoken warnings.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  armedWarnings,
  createCountdown,
  fractionLeft,
  secondsShown,
  warningsDue,
} from "../../kiosk_ui/static/js/countdown.js";

function manualClock(start = 1000) {
  const clock = () => clock.now;
  clock.now = start;
  return clock;
}

test("a running countdown counts down on its clock and stops at zero", () => {
  const clock = manualClock();
  const countdown = createCountdown(clock);
  countdown.set(20000, false);
  assert.equal(countdown.left(), 20000);
  clock.now += 7500;
  assert.equal(countdown.left(), 12500);
  clock.now += 60000;
  assert.equal(countdown.left(), 0);
  assert.equal(countdown.paused, false);
});

test("a paused countdown holds the time the server gave", () => {
  const clock = manualClock();
  const countdown = createCountdown(clock);
  countdown.set(8000, true);
  clock.now += 5000;
  assert.equal(countdown.left(), 8000);
  assert.equal(countdown.paused, true);
  countdown.set(8000, false); // resumed
  clock.now += 1000;
  assert.equal(countdown.left(), 7000);
});

test("bad input counts as no time left", () => {
  const countdown = createCountdown(manualClock());
  countdown.set(undefined, false);
  assert.equal(countdown.left(), 0);
  countdown.set(-50, false);
  assert.equal(countdown.left(), 0);
});

test("seconds are shown rounded up, so 0 means the time is really over", () => {
  assert.equal(secondsShown(20000), 20);
  assert.equal(secondsShown(19001), 20);
  assert.equal(secondsShown(200), 1);
  assert.equal(secondsShown(0), 0);
  assert.equal(secondsShown(-5), 0);
});

test("the bar and ring show the fraction left, between 0 and 1", () => {
  assert.equal(fractionLeft(10000, 20000), 0.5);
  assert.equal(fractionLeft(25000, 20000), 1);
  assert.equal(fractionLeft(0, 20000), 0);
  assert.equal(fractionLeft(500, 0), 1); // no limit known: full
});

test("10 s and 5 s warnings are said once each, never for a mark already passed", () => {
  const said = armedWarnings(20000);
  assert.deepEqual(warningsDue(15000, said), []);
  assert.deepEqual(warningsDue(10000, said), [10]);
  assert.deepEqual(warningsDue(9000, said), []);
  assert.deepEqual(warningsDue(4900, said), [5]);
  assert.deepEqual(warningsDue(100, said), []);
  const late = armedWarnings(7000); // e.g. a reload with 7 s left
  assert.deepEqual(warningsDue(6000, late), []);
  assert.deepEqual(warningsDue(5000, late), [5]);
  assert.deepEqual(warningsDue(0, armedWarnings(20000)), []); // time up is not a warning
  assert.deepEqual(warningsDue(4000, armedWarnings(20000)), [10, 5]); // a jump says both
});
