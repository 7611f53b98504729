/**
 * host-state.js: what the host pages (projector /host/{id}, phone remote /remote/{id}) know
 * about the game, shared by their modules (host.js wires them).
 *
 *   config (from the page's #host-config JSON), isRemote, $(id), game (the state),
 *   session.live (the connection) / session.view (the projector or the remote)
 *   setQuestion(q), remainingMs(), nextLabel(), phaseLabel(phase), questionNumber(index),
 *   rememberQuestion / recalledQuestion: the last question kept in sessionStorage, so a
 *   reload during the reveal still shows the option texts.
 */

import { N_, t } from "./i18n.js";
import { armedWarnings, createCountdown } from "./countdown.js";

export const $ = (id) => document.getElementById(id);
export const config = JSON.parse($("host-config").textContent);
export const isRemote = document.body.classList.contains("remote");

/** Phases in which the host can move the game on. */
export const LIVE_PHASES = ["lobby", "question", "reveal", "leaderboard", "podium"];

export const game = {
  mode: "quiz", // "race" on a case race's pages (host-race.js)
  phase: "loading",
  total: config.total || 0,
  locked: false,
  players: new Map(), // id -> {id, name, connected}
  playerCount: 0,
  question: null, // the open (or last) question message
  clock: createCountdown(), // the question's countdown
  paused: false,
  said: {}, // the time warnings already announced for this question
  answered: 0,
  expected: 0,
  reveal: null,
  board: null,
  // a case race (host-race-messages.js)
  settings: null, // host_welcome.game.settings: time_limit, penalty, teams, …
  cases: [], // host_welcome.game.cases: [{id, title, steps}]
  track: null, // the last race_track
  over: null, // race_over
};

export const session = { live: null, view: null };

const QUESTION_CACHE = `qk-host-question-${config.game_id}`;

function rememberQuestion(question) {
  try {
    sessionStorage.setItem(QUESTION_CACHE, JSON.stringify(question));
  } catch {
    // storage full or disabled: the reveal then shows option letters only
  }
}

export function recalledQuestion(index) {
  try {
    const saved = JSON.parse(sessionStorage.getItem(QUESTION_CACHE) || "null");
    return saved && saved.index === index ? saved : null;
  } catch {
    return null;
  }
}

export function setQuestion(question) {
  const changed = !game.question || game.question.index !== question.index;
  game.question = question;
  game.paused = Boolean(question.paused);
  game.clock.set(question.remaining_ms || 0, game.paused);
  if (changed) game.said = armedWarnings(question.remaining_ms || 0);
  rememberQuestion(question);
}

export function setPaused(paused, remaining) {
  game.paused = paused;
  game.clock.set(remaining, paused);
}

export function remainingMs() {
  if (game.phase !== "question") return 0;
  return game.clock.left();
}

function isLastQuestion(index) {
  return game.total > 0 && index >= game.total - 1;
}

/** The index of the question on show (or just revealed), or null before the first. */
export function currentIndex() {
  if (game.reveal) return game.reveal.index;
  return game.question ? game.question.index : null;
}

export function nextLabel() {
  switch (game.phase) {
    case "lobby": return t("Start the quiz");
    case "question": return t("Show the answer");
    case "reveal": {
      const index = currentIndex() === null ? 0 : currentIndex();
      return isLastQuestion(index) ? t("Show the final results") : t("Show the leaderboard");
    }
    case "leaderboard": return t("Next question");
    case "podium": return t("Finish the quiz");
    default: return t("Start the quiz");
  }
}

const PHASE_LABELS = {
  loading: N_("Connecting…"),
  lobby: N_("Waiting for players"),
  question: N_("Question open"),
  reveal: N_("Answer shown"),
  leaderboard: N_("Leaderboard"),
  podium: N_("Final results"),
  race: N_("Race on"),
  ended: N_("Ended"),
  gone: N_("Game not found"),
};

export function phaseLabel(phase) {
  return t(PHASE_LABELS[phase] || phase);
}

export function questionNumber(index) {
  return t("Question %(number)s of %(total)s", { number: index + 1, total: game.total });
}
