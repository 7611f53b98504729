/**
 * player-timer.js: the phone's countdown (seconds and a shrinking bar on the question screen,
 * "Time left" on the answered screen), its spoken 10 s / 5 s warnings, and time running out.
 * The server owns the clock: each question / paused / resumed message sets it again.
 *
 *   startTimer(remainingMs, paused, limitSeconds?)  stopTimer()  redrawTimer()
 */

import { announce } from "./announce.js";
import { armedWarnings, createCountdown, fractionLeft, secondsShown, warningsDue } from "./countdown.js";
import { setText, tn } from "./i18n.js";
import { drawOrder, updateSendState } from "./player-answers.js";
import { $, S } from "./player-state.js";

const clock = createCountdown();
const timer = { limit: 1, handle: 0, said: {}, shown: -1 };

export function startTimer(remainingMs, paused, limitSeconds) {
  clock.set(remainingMs, paused);
  if (limitSeconds) timer.limit = Math.max(1, limitSeconds * 1000);
  timer.said = armedWarnings(clock.left());
  timer.shown = -1;
  $("q-paused").hidden = !clock.paused;
  $("screen-question").classList.toggle("paused", clock.paused);
  clearInterval(timer.handle);
  timer.handle = setInterval(tick, 200);
  tick();
}

export function stopTimer() {
  clearInterval(timer.handle);
  timer.handle = 0;
}

/** Draw again now, e.g. after switching to the answered screen. */
export function redrawTimer() {
  timer.shown = -1;
  tick();
}

function tick() {
  const left = clock.left();
  const seconds = secondsShown(left);
  if (seconds !== timer.shown) {
    timer.shown = seconds;
    $("q-timer-seconds").textContent = String(seconds);
    $("q-timer").classList.toggle("low", seconds <= 5);
    if (S.screen === "answered") {
      setText($("answered-time"), clock.paused ? "Paused by the host" : "Time left: %(seconds)s s", { seconds: seconds });
    }
  }
  $("q-timer-bar").style.transform = "scaleX(" + fractionLeft(left, timer.limit).toFixed(3) + ")";
  if (!clock.paused && S.phase === "question" && S.screen === "question") {
    for (const mark of warningsDue(left, timer.said)) announce(tn("%(num)s second left", "%(num)s seconds left", mark));
  }
  if (left <= 0 && !clock.paused) {
    stopTimer();
    if (S.phase === "question" && !S.answered && !S.pending && !S.timeUp) {
      S.timeUp = true;
      setText($("q-message"), "Time is up. Wait for the answer on the big screen.");
      updateSendState();
      if (S.question && S.question.kind === "order") drawOrder();
    }
  }
}
