/**
 * player-race.js: the case race on the player page (phone and shared PC; docs/case-race.md).
 * The same page and socket as the quiz: welcome.game.mode says "race", and then:
 *
 *   race_step       the step to answer now, drawn with the quiz's answer widgets
 *                   (player-answers.js sends {type: "answer", question: index, value})
 *   attempt_result  right: "Right!" with the explanation, then the next step (it came already
 *                   and waits, or comes while the confirmation shows); wrong: the explanation
 *                   and the penalty countdown, then the same step again
 *   race_finished   the finish screen: time, place, right at the first try
 *   race_over / race_rank   the final screen
 *
 * The server owns every clock: the race's time left comes with welcome.screen and paused /
 * resumed (a race_step does not carry it, so the first step starts from the race's time
 * limit), the penalty left with race_step.locked_ms after a resume. An answer is never sent
 * twice by itself (a repeat would be another attempt): after a reconnect it is sent again
 * only if the server's race_step shows it was not recorded.
 *
 *   wireRace()  applyRaceWelcome(screen)  onRaceStep(step)  onAttemptResult(m)
 *   onRaceFinished(m)  onRaceOver(m)  onRaceRank(m)  racePaused(m)  raceResumed(m)
 *   raceRefused(error)  redrawRace()  stopRace()
 */

import { announce } from "./announce.js";
import { createCountdown } from "./countdown.js";
import { localized, setText, t, tn } from "./i18n.js";
import { instructionFor } from "./answer-values.js";
import { $, PC, S, session, tokens } from "./player-state.js";
import { onScreen, show, showLobby, updateBar } from "./player-screens.js";
import {
  answerRefused,
  drawOrder,
  renderQuestion,
  resendPending,
  resetSelection,
  stopRetrying,
  updateSendState,
} from "./player-answers.js";
import { asQuestion, confirmDelay, lockedMsFromError } from "./race-steps.js";
import {
  drawAdvance,
  drawClock,
  drawFinished,
  drawPenalty,
  drawRaceFinal,
  drawResult,
  drawStep,
  foldStory,
  useRaceLayout,
} from "./player-race-screens.js";

const TICK_MS = 200;
const WHY_KEY = "qk.race.why."; // sessionStorage: the last wrong try's explanation, for a reload

const raceClock = createCountdown();
const penaltyClock = createCountdown();
const timers = { tick: 0, advanceAt: 0, penaltyTotal: 0, announcedRank: false };

export function wireRace() {
  onScreen((name) => {
    const story = $("race-story");
    story.hidden = !(S.mode === "race" && (name === "question" || name === "race-result"));
  });
  $("race-continue").addEventListener("click", onContinue);
}

// ---- the welcome (join or resume) ----

export function applyRaceWelcome(screen) {
  const R = S.race;
  useRaceLayout(true);
  R.total = (S.game && S.game.total) || R.total;
  R.paused = !!screen.paused;
  R.done = screen.step || 0;
  S.players = screen.players || 0;
  S.phase = screen.phase;
  if (screen.phase !== "lobby") {
    raceClock.set(screen.remaining_ms || 0, R.paused);
    R.clockSet = true;
    startTicking();
  }
  updateBar();
  if (screen.phase === "ended") {
    stopRace();
    R.over = R.over || { top: screen.top || [], players: screen.rank ? screen.rank.players : S.players };
    if (screen.rank) takeRank(screen.rank);
    if (screen.finished) R.finished = screen.finished;
    showRaceFinal();
    return;
  }
  if (screen.finished) {
    R.finished = screen.finished;
    R.done = R.total;
    showFinished();
    return;
  }
  if (screen.phase === "race" && screen.race_step) {
    resumeStep(screen.race_step);
    return;
  }
  showLobby();
}

function resumeStep(step) {
  const pending = S.pending;
  const unrecorded =
    !!pending && pending.index === step.index && pending.attempts === (step.attempts || 0) && !step.locked_ms;
  if (pending && !unrecorded) {
    S.pending = null; // the server has it: its race_step shows what it came to
    stopRetrying();
  }
  showStep(step);
  if (unrecorded) resendPending();
}

// ---- steps ----

export function onRaceStep(step) {
  const R = S.race;
  if (R.confirming && (!R.step || step.index !== R.step.index)) {
    R.next = step; // shown when the "right" confirmation is done
    return;
  }
  showStep(step);
}

function showStep(step) {
  const R = S.race;
  const started = S.phase !== "race";
  const same = !!R.step && R.step.index === step.index;
  const sameTry = same && (R.step.attempts || 0) === (step.attempts || 0);
  R.step = step;
  R.done = step.index;
  R.next = null;
  S.phase = "race";
  S.question = asQuestion(step);
  if (typeof step.remaining_ms === "number") {
    raceClock.set(step.remaining_ms, R.paused); // every step carries the race clock
    R.clockSet = true;
  } else if (!R.clockSet) {
    const limit = (S.game && S.game.settings && S.game.settings.time_limit) || 0;
    raceClock.set(limit * 1000, R.paused);
    R.clockSet = true;
  }
  startTicking();
  if (!same) {
    resetSelection();
    if (S.pending && S.pending.index !== step.index) S.pending = null;
    S.timeUp = false;
  }
  if (step.explanation) {
    R.lastWhy = { index: step.index, explanation: step.explanation }; // from the server: any device
  } else if (!R.lastWhy || R.lastWhy.index !== step.index) {
    R.lastWhy = recallWhy(step.index);
  }
  updateBar();
  if (step.locked_ms > 0) {
    // A resume during a penalty: the result screen with the time left.
    if (!R.result || R.result.index !== step.index || R.result.correct) {
      R.result = {
        index: step.index,
        correct: false,
        attempts: step.attempts,
        explanation: R.lastWhy ? R.lastWhy.explanation : null,
        value: null,
      };
    }
    startPenalty(step.locked_ms);
    drawResult(R);
    show("race-result");
    return;
  }
  R.penalty = false;
  if (sameTry && S.screen === "question") {
    updateSendState(); // the same step again (a resume's second frame): keep the taps
    return;
  }
  drawStepScreen();
  if (started) announce(t("The race has started.") + " " + stepAnnouncement());
  else announce(stepAnnouncement());
}

function drawStepScreen() {
  renderQuestion();
  drawStep(S.race);
  drawClock(raceClock.left(), S.race.paused);
  show("question", { focus: false });
  if (S.question.kind === "order") drawOrder();
}

function stepAnnouncement() {
  const q = S.question;
  return $("q-progress").textContent + ". " + localized(q.text) + " " + t(instructionFor(q.kind));
}

// ---- results ----

export function onAttemptResult(m) {
  const R = S.race;
  if (!R.step || m.index !== R.step.index) return;
  stopRetrying();
  const value = S.pending && S.pending.index === m.index ? S.pending.value : null;
  S.pending = null;
  if (m.attempts === 1 && R.step.case && R.step.case.step === 1) foldStory(); // read by now
  R.result = Object.assign({}, m, { value: value });
  R.step = Object.assign({}, R.step, { attempts: m.attempts, locked_ms: 0 });
  S.question.attempts = m.attempts;
  if (m.correct) {
    R.done = m.index + 1;
    R.lastWhy = null;
    forgetWhy();
    R.confirming = true;
    R.penalty = false;
    updateBar();
    drawResult(R);
    show("race-result");
    timers.advanceAt = performance.now() + confirmDelay(localized(m.explanation));
    if (PC) $("race-continue").focus({ preventScroll: true });
    announce(t("Right!") + (m.explanation ? " " + localized(m.explanation) : ""));
  } else {
    R.lastWhy = { index: m.index, explanation: m.explanation };
    rememberWhy(R.lastWhy);
    startPenalty(m.penalty_ms);
    drawResult(R);
    show("race-result");
    const wait = Math.round((m.penalty_ms || 0) / 1000);
    const parts = [t("Not quite")];
    if (m.explanation) parts.push(localized(m.explanation));
    if (wait > 0) parts.push(tn("You can try again in %(num)s second", "You can try again in %(num)s seconds", wait));
    announce(parts.join(". "));
  }
}

function onContinue() {
  const R = S.race;
  if (R.confirming) advance();
  else if (R.result && !R.result.correct && !R.penalty) retryStep();
}

function advance() {
  const R = S.race;
  R.confirming = false;
  timers.advanceAt = 0;
  drawAdvance(null);
  if (R.next) {
    const next = R.next;
    R.next = null;
    showStep(next);
  } else if (R.finished) {
    showFinished();
  } else if (R.over) {
    showRaceFinal();
  } else {
    $("race-continue").disabled = true; // the next step is on its way: it shows when it comes
  }
}

function startPenalty(ms) {
  const R = S.race;
  R.penalty = ms > 0;
  // The bar runs from the game's full penalty (a resume only knows the time left).
  const full = ((S.game && S.game.settings && S.game.settings.penalty) || 0) * 1000;
  timers.penaltyTotal = Math.max(ms, full);
  penaltyClock.set(ms, R.paused);
  if (R.penalty) drawPenalty(ms, timers.penaltyTotal);
  startTicking();
}

function retryStep() {
  const R = S.race;
  R.penalty = false;
  resetSelection();
  drawStepScreen();
  $("q-text").focus({ preventScroll: true });
  announce(t("Try again.") + " " + stepAnnouncement());
}

// ---- the end ----

export function onRaceFinished(m) {
  const R = S.race;
  R.finished = m;
  R.done = R.total || m.steps;
  updateBar();
  if (!R.confirming) showFinished();
}

function showFinished() {
  const R = S.race;
  R.penalty = false;
  drawFinished(R);
  show("race-finished");
  const facts = R.finished || {};
  announce(t("You finished the race!") + " " + t("Place %(rank)s of %(players)s", { rank: facts.rank || "?", players: facts.players || "?" }));
}

export function onRaceOver(m) {
  const R = S.race;
  R.over = m;
  S.phase = "ended";
  S.ended = true;
  if (S.pin && S.token) tokens.set(S.pin, { token: S.token, ended: true });
  S.pending = null;
  stopRetrying();
  stopRace();
  showRaceFinal();
  announce(t("The race is over"));
}

export function onRaceRank(m) {
  takeRank(m);
  if (S.phase === "ended") {
    showRaceFinal();
    if (!timers.announcedRank) {
      timers.announcedRank = true;
      announce(t("Place %(rank)s of %(players)s", { rank: m.rank, players: m.players }));
    }
  }
}

function takeRank(m) {
  S.race.rank = m;
  S.rank = m.rank;
  S.players = m.players;
}

function showRaceFinal() {
  drawRaceFinal(S.race);
  show("final");
}

// ---- pause, refusals, the clock ----

export function racePaused(m) {
  const R = S.race;
  R.paused = true;
  raceClock.set(m.remaining_ms, true);
  penaltyClock.set(penaltyClock.left(), true);
  drawClock(raceClock.left(), true);
  updateSendState();
  announce(t("Paused by the host"));
}

export function raceResumed(m) {
  const R = S.race;
  R.paused = false;
  raceClock.set(m.remaining_ms, false);
  penaltyClock.set(penaltyClock.left(), false);
  drawClock(raceClock.left(), false);
  updateSendState();
  announce(t("The race goes on"));
}

export function raceRefused(m) {
  const R = S.race;
  switch (m.code) {
    case "step_locked":
      // The phone's countdown ran ahead of the server's: wait what the server says.
      S.pending = null;
      stopRetrying();
      if (!R.result || R.result.index !== m.question) {
        R.result = { index: m.question, correct: false, attempts: R.step ? R.step.attempts : 1, value: null };
      }
      startPenalty(lockedMsFromError(m));
      drawResult(R);
      show("race-result");
      return;
    case "wrong_question":
    case "already_finished":
      resync();
      return;
    case "paused":
      R.paused = true;
      answerRefused(m);
      return;
    default:
      answerRefused(m);
  }
}

/** The phone and the server disagree about the step: ask again (a resume redraws it all). */
function resync() {
  S.pending = null;
  stopRetrying();
  session.live.close();
  session.live.restart();
}

function startTicking() {
  if (!timers.tick) timers.tick = setInterval(tick, TICK_MS);
  tick();
}

export function stopRace() {
  clearInterval(timers.tick);
  timers.tick = 0;
  timers.advanceAt = 0;
  S.race.penalty = false;
}

function tick() {
  const R = S.race;
  const left = raceClock.left();
  drawClock(left, R.paused);
  if (R.penalty) {
    const wait = penaltyClock.left();
    drawPenalty(wait, timers.penaltyTotal);
    if (wait <= 0 && !R.paused) {
      R.penalty = false;
      if (S.screen === "race-result" && R.result && !R.result.correct) retryStep();
    }
  }
  if (R.confirming && timers.advanceAt) {
    const wait = timers.advanceAt - performance.now();
    if (wait <= 0) advance();
    else drawAdvance(wait);
  }
  if (S.phase === "race" && !R.paused && left <= 0 && !S.timeUp && !R.finished) {
    S.timeUp = true;
    setText($("q-message"), "Time is up. The results are on the big screen.");
    updateSendState();
  }
}

// ---- the last wrong try's explanation, kept for a reload ----

function rememberWhy(why) {
  try {
    sessionStorage.setItem(WHY_KEY + S.pin, JSON.stringify(why));
  } catch (error) {
    /* storage off: a reload shows the step without it */
  }
}

function recallWhy(index) {
  try {
    const saved = JSON.parse(sessionStorage.getItem(WHY_KEY + S.pin) || "null");
    return saved && saved.index === index ? saved : null;
  } catch (error) {
    return null;
  }
}

function forgetWhy() {
  try {
    sessionStorage.removeItem(WHY_KEY + S.pin);
  } catch (error) {
    /* nothing stored */
  }
}

/** After a language switch: texts set with setText redo themselves; the screens redraw the rest. */
export function redrawRace() {
  const R = S.race;
  updateBar();
  if (S.screen === "final") drawRaceFinal(R);
  else if (S.screen === "race-finished") drawFinished(R);
  else if (S.screen === "race-result") drawResult(R);
}
