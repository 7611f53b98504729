/**
 * player-messages.js: what the player page does with each server message on /ws/play, and on
 * each (re)connect and close. The server decides the screen: every (re)connect sends `resume`
 * with the saved token and the `welcome.screen` it answers with is drawn as-is, so a reload or
 * a Wi-Fi drop lands back on the current question with the score intact. An answer sent while
 * offline is re-sent after the resume if the server has not recorded it. A case race
 * (welcome.game.mode "race") is drawn by player-race.js.
 *
 *   onOpen(), onClose(event), onMessage(message): the connectLive callbacks
 */

import { announce } from "./announce.js";
import { localized, N_, setLocalized, t } from "./i18n.js";
import { CLOSE } from "./live-socket.js";
import { instructionFor } from "./answer-values.js";
import { $, ERRORS, PC, PROTOCOL, S, freshRace, session, tokens } from "./player-state.js";
import { show, showAlert, showLobby, showNotice, updateBar } from "./player-screens.js";
import { forgetPlace, joinError, rememberProfile, showJoin } from "./player-join.js";
import {
  answerRefused,
  hasText,
  renderQuestion,
  resendPending,
  resetSelection,
  stopRetrying,
  updateSendState,
} from "./player-answers.js";
import { startTimer, stopTimer } from "./player-timer.js";
import {
  finalAnnouncement,
  rankAnnouncement,
  showAnswered,
  showFinal,
  showRank,
  showReveal,
  verdictAnnouncement,
} from "./player-results.js";
import { resetForNextPerson } from "./player-pc.js";
import {
  applyRaceWelcome,
  onAttemptResult,
  onRaceFinished,
  onRaceOver,
  onRaceRank,
  onRaceStep,
  racePaused,
  raceRefused,
  raceResumed,
  stopRace,
} from "./player-race.js";
import { useRaceLayout } from "./player-race-screens.js";

export function onOpen() {
  if (S.token) {
    session.live.send({ type: "resume", protocol: PROTOCOL, token: S.token, pin: S.pin || undefined });
  } else if (S.joining) {
    session.live.send(S.joining);
  }
}

export function onClose(event) {
  if (event.code === CLOSE.KICKED) {
    showKicked();
    return false;
  }
  if (event.code === CLOSE.REPLACED) {
    showNotice(N_("Opened somewhere else"), N_("This game was opened in another tab or on another device."), N_("Use it here"), () => {
      session.live.restart();
      show("connecting");
    });
    return false;
  }
  if (S.joining && !S.token) {
    // The join may not have reached the server: let the person press Join again.
    showJoin();
  }
  return true;
}

const HANDLERS = {
  welcome: onWelcome,
  question: onQuestion,
  answer_ack: onAck,
  paused: onPaused,
  resumed: onResumed,
  reveal: onReveal,
  result: onResult,
  leaderboard: onLeaderboard,
  podium: onPodium,
  rank: onRank,
  ended: onEnded,
  lobby: onCount,
  player_joined: onCount,
  player_left: onCount,
  kicked: showKicked,
  error: onError,
  // case race (player-race.js)
  race_step: onRaceStep,
  attempt_result: onAttemptResult,
  race_finished: onRaceFinished,
  race_over: onRaceOver,
  race_rank: onRaceRank,
};

export function onMessage(m) {
  const known = Object.prototype.hasOwnProperty.call(HANDLERS, m.type);
  return known ? HANDLERS[m.type](m) : undefined; // "left" and anything newer: nothing to draw
}

function onWelcome(m) {
  const fresh = !m.resumed;
  if (fresh || !S.game || S.game.id !== m.game.id) {
    // A different game (or a new player): nothing of the previous one may carry over.
    S.question = null;
    S.answered = null;
    S.pending = null;
    S.reveal = null;
    S.result = null;
    S.board = null;
    S.correctCount = null;
    S.finalAnnounced = false;
    stopRace();
    S.race = freshRace();
  }
  S.player = m.player;
  S.game = m.game;
  S.mode = m.game.mode === "race" ? "race" : "quiz";
  S.pin = m.game.pin;
  S.token = m.resume_token;
  S.ended = m.game.phase === "ended";
  tokens.set(S.pin, { token: S.token, ended: S.ended });
  if (fresh) rememberProfile();
  S.joining = false;
  const url = new URL(location.href);
  if (url.searchParams.get("pin") !== S.pin) {
    url.searchParams.set("pin", S.pin);
    url.searchParams.delete("lang");
    history.replaceState(null, "", url.pathname + url.search);
  }
  $("lobby-name").textContent = S.player.name;
  setLocalized($("lobby-game-title"), S.game.title);
  if (S.mode === "race") applyRaceWelcome(m.screen || {});
  else {
    useRaceLayout(false);
    applyScreen(m.screen || {});
  }
  if (fresh) announce(t("You're in! Wait for the host to start the game."));
}

function applyScreen(screen) {
  S.phase = screen.phase;
  S.score = screen.score || 0;
  S.rank = screen.rank;
  S.players = screen.players || 0;
  updateBar();
  switch (screen.phase) {
    case "question": {
      const q = screen.question;
      if (screen.my_answer !== null && screen.my_answer !== undefined) {
        S.answered = { index: q.index, value: screen.my_answer };
        S.pending = null;
        // The server's score already counts this answer: showing it now would tell right
        // from wrong before the reveal. The result message brings the score.
        S.score = null;
        updateBar();
      } else if (S.answered && S.answered.index === q.index) {
        S.answered = null; // the server has no record of it: never pretend it was received
      }
      onQuestion(q);
      if (S.pending && S.pending.index === q.index && !S.answered) resendPending();
      break;
    }
    case "reveal":
      S.reveal = screen.reveal || null;
      S.result = screen.result || null;
      if (S.result) S.score = S.result.score;
      showReveal();
      break;
    case "leaderboard":
      S.board = screen.board || null;
      showRank();
      break;
    case "podium":
    case "ended":
      S.board = screen.board || null;
      showFinal();
      break;
    default:
      showLobby();
  }
}

function onCount(m) {
  // Players only learn the count at join; if the server also sends counts, keep them fresh.
  const count = typeof m.players === "number" ? m.players : m.count;
  if (typeof count === "number") {
    S.players = count;
    if (S.screen === "lobby") showLobby();
  }
}

function onQuestion(q) {
  const same = !!S.question && S.question.index === q.index;
  S.question = q;
  S.phase = "question";
  if (!same) {
    resetSelection();
    if (!S.answered || S.answered.index !== q.index) S.answered = null;
    if (S.pending && S.pending.index !== q.index) S.pending = null;
    S.reveal = null;
    S.result = null;
    S.timeUp = false;
  } else if (q.remaining_ms > 0 && S.timeUp && !S.answered) {
    S.timeUp = false; // the local clock ran ahead of the server's: it is still open
    updateSendState();
  }
  startTimer(q.remaining_ms, q.paused, q.time_limit);
  if (S.answered && S.answered.index === q.index) {
    showAnswered();
    return;
  }
  if (same && S.screen === "question") return; // the same question again after a resume: keep the taps
  renderQuestion();
  show("question", { focus: false });
  announceQuestion();
}

function announceQuestion() {
  const q = S.question;
  const head = t("Question %(number)s of %(total)s", { number: q.index + 1, total: q.total });
  const body = hasText(q) ? localized(q.text) : t("Read the question on the big screen, then answer here.");
  announce(head + ". " + body + " " + t(instructionFor(q.kind)));
}

function onAck(m) {
  if (!S.question || m.question !== S.question.index) return;
  stopRetrying();
  S.answered = { index: m.question, value: m.value };
  S.pending = null;
  if (S.phase === "question") {
    showAnswered();
    announce(t("Answer received"));
  }
}

function onPaused(m) {
  if (S.mode === "race") return racePaused(m);
  if (S.phase !== "question") return undefined;
  startTimer(m.remaining_ms, true);
  announce(t("Paused by the host"));
  return undefined;
}

function onResumed(m) {
  if (S.mode === "race") return raceResumed(m);
  if (S.phase !== "question") return undefined;
  startTimer(m.remaining_ms, false);
  announce(t("The game goes on"));
  return undefined;
}

function onReveal(m) {
  stopTimer();
  stopRetrying();
  S.phase = "reveal";
  S.reveal = m;
  S.result = null;
  S.pending = null;
  showReveal();
}

function onResult(m) {
  S.result = m;
  S.score = m.score;
  S.rank = m.rank;
  if (typeof m.players === "number") S.players = m.players;
  updateBar();
  if (S.phase === "reveal") {
    showReveal();
    announce(verdictAnnouncement());
  }
}

function onLeaderboard(m) {
  S.phase = "leaderboard";
  S.board = m;
  if (typeof m.players === "number") S.players = m.players;
  showRank();
}

function onPodium(m) {
  S.phase = "podium";
  S.board = m;
  if (typeof m.players === "number") S.players = m.players;
  showFinal();
}

function onRank(m) {
  S.rank = m.rank;
  S.score = m.score;
  S.players = m.players;
  S.correctCount = m.correct_count;
  updateBar();
  if (S.phase === "leaderboard") {
    showRank();
    announce(rankAnnouncement());
  } else if (S.phase === "podium" || S.phase === "ended") {
    showFinal();
    if (!S.finalAnnounced) {
      S.finalAnnounced = true;
      announce(t(S.phase === "ended" ? "The game has ended" : "Final results") + ". " + finalAnnouncement());
    }
  }
}

function onEnded(m) {
  const first = S.phase !== "ended";
  S.phase = "ended";
  S.ended = true;
  S.board = { top: m.top || [], players: m.players };
  if (typeof m.players === "number") S.players = m.players;
  if (S.pin && S.token) tokens.set(S.pin, { token: S.token, ended: true });
  showFinal();
  if (first && S.finalAnnounced) announce(t("The game has ended"));
}

function showKicked() {
  stopRetrying();
  stopTimer();
  stopRace();
  forgetPlace();
  if (session.live) session.live.close();
  S.need = { staff: false, department: false };
  showNotice(N_("Removed from the game"), ERRORS.kicked, PC ? "Next person" : N_("Back to the start"), () => {
    if (PC) resetForNextPerson();
    else {
      session.live.restart();
      $("join-name").value = "";
      showJoin();
    }
  });
}

function onError(m) {
  const wait = { seconds: Math.ceil(Number(m.retry_after) || 60) };
  if (S.joining && !S.token) return joinError(m.code, wait);
  if (m.code === "kicked") return showKicked();
  if (typeof m.question === "number" || m.code === "not_saved") {
    return S.mode === "race" ? raceRefused(m) : answerRefused(m);
  }
  if (m.code === "unknown_token" || m.code === "token_wrong_game") {
    forgetPlace();
    return showJoin(m.code);
  }
  if (m.code === "rate_limited") {
    if (S.pending) setTimeout(resendPending, 1500);
    return showAlert(m.code);
  }
  if (m.code === "already_joined") return undefined;
  if (!S.player) return showJoin(m.code, wait);
  return showAlert(m.code);
}
