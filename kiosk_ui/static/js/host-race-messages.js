/**
 * host-race-messages.js: what the case race's host pages (projector and remote) do with each
 * /ws/host message (docs/case-race.md). host_welcome rebuilds the page; race_track (a few a
 * second at most) moves the track; race_over shows the podium.
 *
 *   onRaceMessage(message)
 *
 * race_track carries the race's phase, so a second screen learns the start from it (an older
 * server without it: the first track with anyone on it, or the first after "start").
 */

import { announce } from "./announce.js";
import { setText, t } from "./i18n.js";
import { $, game, session, setPaused } from "./host-state.js";
import { nextRefused, showError, startSent } from "./host-commands.js";

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
  player_status(message) {
    const player = game.players.get(message.player_id);
    if (player) {
      player.connected = message.connected;
      session.view.playerChanged(player);
    }
  },
  lobby(message) {
    game.locked = Boolean(message.locked);
    session.view.render();
  },
  race_track: takeTrack,
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
  race_over(message) {
    game.phase = "ended";
    game.over = message;
    game.paused = false;
    game.clock.set(0, true);
    announce(t("The race has ended. Thank you!"));
    session.view.render();
  },
  error(message) {
    nextRefused();
    if (message.code === "wrong_phase" && (message.command === "start" || message.command === "next")) {
      return; // pressed twice, or on two screens: the race has started anyway
    }
    if (message.code === "bad_host_token") {
      game.phase = "gone";
      session.live.close();
      setText($("connection-status"), "Game not found");
      session.view.render();
      return;
    }
    showError(message.code, message.message);
  },
};

export function onRaceMessage(message) {
  if (Object.prototype.hasOwnProperty.call(HANDLERS, message.type)) HANDLERS[message.type](message);
}

function takeTrack(track) {
  const before = game.track;
  game.track = track;
  game.paused = Boolean(track.paused);
  const racing = track.phase ? track.phase === "race" : (track.lanes || []).length > 0 || startSent();
  const started = game.phase === "lobby" && racing;
  if (started) {
    game.phase = "race";
    announce(t("The race has started."));
  }
  if (game.phase === "race") game.clock.set(track.remaining_ms, game.paused);
  session.view.trackChanged(before, track, started);
}

/** The podium after a reconnect at the end: the last track holds the final order. */
function overFromTrack(track) {
  if (!track) return { top: [], players: 0, teams: [] };
  return { top: (track.lanes || []).slice(0, 3), players: track.participants || 0, teams: track.teams || [] };
}

function welcome(message) {
  const screen = message.screen || {};
  const summary = message.game || {};
  game.mode = "race";
  game.total = summary.total || game.total;
  game.cases = summary.cases || [];
  game.settings = summary.settings || {};
  game.locked = Boolean(summary.locked);
  game.phase = screen.phase || summary.phase || "lobby";
  game.players = new Map((screen.player_list || []).map((p) => [p.id, p]));
  game.playerCount = game.players.size;
  game.paused = Boolean(screen.paused);
  game.track = screen.track || null;
  const limit = (game.settings.time_limit || 0) * 1000;
  const remaining = typeof screen.remaining_ms === "number" ? screen.remaining_ms : limit;
  game.clock.set(remaining, game.paused || game.phase !== "race");
  if (game.phase === "ended" && !game.over) game.over = overFromTrack(game.track);
  session.view.rebuild();
}
