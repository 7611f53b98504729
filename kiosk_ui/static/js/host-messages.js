/**
 * host-messages.js: what the host pages do with each server message on /ws/host. A
 * (re)connect is answered with host_welcome, whose `screen` rebuilds the page from scratch;
 * the other messages update the game state and ask the view (projector or remote) to redraw.
 *
 *   onMessage(message)
 */

import { announce } from "./announce.js";
import { localized, setText, t } from "./i18n.js";
import { rightAnswerText } from "./reveal-rows.js";
import { $, game, questionNumber, recalledQuestion, session, setPaused, setQuestion } from "./host-state.js";
import { nextRefused, showError } from "./host-commands.js";

const HANDLERS = {
  host_welcome: welcome,
  player_joined(message) {
    game.players.set(message.player.id, { ...message.player, connected: true });
    game.playerCount = message.count;
    session.view.playerJoined(message.player);
  },
  player_left(message) {
    game.players.delete(message.player_id);
    game.playerCount = message.count;
    session.view.playerLeft(message.player_id);
  },
  lobby(message) {
    game.locked = Boolean(message.locked);
    session.view.render();
  },
  question(message) {
    game.phase = "question";
    setQuestion(message);
    game.answered = 0;
    game.expected = game.playerCount;
    game.reveal = null;
    announce(`${questionNumber(message.index)}. ${localized(message.text)}`);
    session.view.render();
  },
  answered(message) {
    game.answered = message.answered;
    game.expected = message.expected;
    session.view.renderCounts();
  },
  paused(message) {
    setPaused(true, message.remaining_ms);
    announce(t("Paused"));
    session.view.render();
  },
  resumed(message) {
    setPaused(false, message.remaining_ms);
    announce(t("Resumed"));
    session.view.render();
  },
  reveal(message) {
    game.phase = "reveal";
    game.reveal = message;
    const question = game.question && game.question.index === message.index ? game.question : null;
    const right = rightAnswerText(message, question);
    announce(right ? t("Right answer: %(answer)s", { answer: right }) : t("Answers are in."));
    session.view.render();
  },
  leaderboard: showBoard,
  podium: showBoard,
  ended(message) {
    game.phase = "ended";
    game.board = { type: "podium", top: message.top, players: message.players };
    announce(t("The quiz has ended. Thank you!"));
    session.view.render();
  },
  error(message) {
    nextRefused();
    if (message.code === "wrong_phase" && (message.command === "next" || message.command === "close")) {
      return; // pressed just as the game moved on by itself: nothing to say
    }
    if (message.code === "bad_host_token") {
      // The server no longer knows this game (ended long ago, or the server restarted).
      game.phase = "gone";
      session.live.close();
      setText($("connection-status"), "Game not found");
      session.view.render();
      return;
    }
    showError(message.code, message.message);
  },
};

export function onMessage(message) {
  if (Object.prototype.hasOwnProperty.call(HANDLERS, message.type)) HANDLERS[message.type](message);
}

function showBoard(message) {
  game.phase = message.type;
  game.board = message;
  announce(message.type === "podium" ? t("Final results") : t("Leaderboard"));
  session.view.render();
}

function welcome(message) {
  const screen = message.screen || {};
  const summary = message.game || {};
  game.total = summary.total || game.total;
  game.locked = Boolean(summary.locked);
  game.phase = screen.phase || summary.phase || "lobby";
  game.players = new Map((screen.player_list || []).map((p) => [p.id, p]));
  game.playerCount = game.players.size;
  game.reveal = null;
  if (screen.question) setQuestion(screen.question);
  if (screen.answered) {
    game.answered = screen.answered.answered;
    game.expected = screen.answered.expected;
  }
  if (screen.reveal) {
    game.reveal = screen.reveal;
    if (!game.question || game.question.index !== screen.reveal.index) {
      game.question = recalledQuestion(screen.reveal.index);
    }
  }
  if (screen.board) game.board = screen.board;
  session.view.rebuild();
}
