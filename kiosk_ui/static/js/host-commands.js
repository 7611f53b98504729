/**
 * host-commands.js: what the host's buttons and keys send on /ws/host, and the toast that
 * shows a refused command.
 *
 *   sendNext(), togglePause(), toggleLock(), closeQuestion(), endGame(), kick(player)
 *   showError(code, message), nextRefused()
 *
 * A "next" waits for the screen it asked for (3 s at most): a double press must not skip a
 * screen. It also names the phase it was pressed in, so the server ignores it if the game
 * has moved on meanwhile (the question closed by itself).
 */

import { confirmDialog } from "./dialogs.js";
import { t } from "./i18n.js";
import { $, LIVE_PHASES, game, session } from "./host-state.js";

const ERRORS = {
  wrong_phase: "That cannot be done at this moment of the game.",
  already_paused: "The countdown is already paused.",
  not_paused: "The countdown is not paused.",
  unknown_player: "This player has already left the game.",
  game_ended: "The game has ended.",
  bad_host_token: "This game is no longer running on the server.",
  rate_limited: "Too many clicks at once. Wait a second and try again.",
  not_connected: "Not connected to the server. Wait until the status shows Connected.",
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

export function sendNext() {
  if (!LIVE_PHASES.includes(game.phase)) return;
  const index = game.question ? game.question.index : -1;
  const pending = nextPending;
  if (pending && pending.phase === game.phase && pending.index === index && performance.now() < pending.until) return;
  if (command({ type: "next", phase: game.phase })) {
    nextPending = { phase: game.phase, index, until: performance.now() + 3000 };
  }
}

export function togglePause() {
  if (game.phase !== "question") return;
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
  if (await confirmDialog(t("End the quiz now for everyone? The final results will be shown."), { releaseFocus: true })) {
    command({ type: "end" });
  }
}

export async function kick(player) {
  if (await confirmDialog(t("Remove %(name)s from the game?", { name: player.name }), { releaseFocus: true })) {
    command({ type: "kick", player_id: player.id });
  }
}
