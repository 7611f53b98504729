/**
 * host-commands.js: what the host's buttons and keys send on /ws/host, and the toast that
 * shows a refused command.
 *
 *   sendNext(), togglePause(), toggleLock(), closeQuestion(), endGame(), kick(player),
 *   setTeam(player, team) (a case race: sendNext starts it, togglePause pauses it)
 *   showError(code, message), nextRefused()
 *
 * A "next" waits for the screen it asked for (3 s at most): a double press must not skip a
 * screen. It also names the phase it was pressed in, so the server ignores it if the game
 * has moved on meanwhile (the question closed by itself).
 */

import { confirmDialog } from "./dialogs.js";
import { N_, t } from "./i18n.js";
import { $, LIVE_PHASES, game, session } from "./host-state.js";

const ERRORS = {
  wrong_phase: N_("That cannot be done at this moment of the game."),
  already_paused: N_("The countdown is already paused."),
  not_paused: N_("The countdown is not paused."),
  unknown_player: N_("This player has already left the game."),
  game_ended: N_("The game has ended."),
  bad_host_token: "This game is no longer running on the server.",
  no_teams: N_("This race has no teams set by the host."),
  invalid_team: N_("That team name cannot be used. Use up to 40 letters and digits."),
  rate_limited: N_("Too many clicks at once. Wait a second and try again."),
  not_connected: N_("Not connected to the server. Wait until the status shows Connected."),
};

let toastTimer = 0;
let nextPending = null; // {phase, index, until} while a "next" is on its way

export function showError(code, message) {
  const known = ERRORS[code];
  const toast = $("host-error");
  toast.textContent = known ? t(known) : t("Something went wrong: %(message)s", { message: message || code });
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toast.hidden = true;
  }, 6000);
}

/** Send a command once the server has welcomed this screen; else say why nothing happens. */
function command(message) {
  const live = session.live;
  if (!live || !live.isReady() || !live.send(message)) {
    showError("not_connected");
    return false;
  }
  return true;
}

export function nextRefused() {
  nextPending = null;
}

/** A case race's "start" went out a moment ago (the next race_track is the start). */
export function startSent() {
  return !!nextPending && nextPending.phase === "lobby" && performance.now() < nextPending.until;
}

export function sendNext() {
  if (game.mode === "race") {
    // A race has one step for the host: start it (it runs by itself after that).
    if (game.phase === "lobby" && !(nextPending && performance.now() < nextPending.until)) {
      if (command({ type: "start", phase: "lobby" })) nextPending = { phase: "lobby", index: -1, until: performance.now() + 3000 };
    }
    return;
  }
  if (!LIVE_PHASES.includes(game.phase)) return;
  const index = game.question ? game.question.index : -1;
  const pending = nextPending;
  if (pending && pending.phase === game.phase && pending.index === index && performance.now() < pending.until) return;
  if (command({ type: "next", phase: game.phase })) {
    nextPending = { phase: game.phase, index, until: performance.now() + 3000 };
  }
}

export function togglePause() {
  if (game.phase !== (game.mode === "race" ? "race" : "question")) return;
  command({ type: game.paused ? "resume" : "pause" });
}

export function toggleLock() {
  if (game.phase === "ended") return;
  command({ type: "lock", locked: !game.locked });
}

export function closeQuestion() {
  if (game.phase === "question") command({ type: "close", phase: "question" });
}

export async function endGame() {
  if (game.phase === "ended" || game.phase === "gone") return;
  const question = game.mode === "race"
    ? t("End the race now for everyone? Everyone stops where they are and the results are shown.")
    : t("End the quiz now for everyone? The final results will be shown.");
  if (await confirmDialog(question, { releaseFocus: true })) {
    command({ type: "end" });
  }
}

/** A case race with teams set by the host: put a player in a team ("" takes them out). */
export function setTeam(player, team) {
  return command({ type: "team", player_id: player.id, team: team });
}

export async function kick(player) {
  if (await confirmDialog(t("Remove %(name)s from the game?", { name: player.name }), { releaseFocus: true })) {
    command({ type: "kick", player_id: player.id });
  }
}
