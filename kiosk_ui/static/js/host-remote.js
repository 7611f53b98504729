/**
 * host-remote.js: the trainer's phone remote (templates/host_remote.html): what is on the big
 * screen now, the counts and time left, and the buttons Next, Pause, Close question, Lock, End.
 *
 *   remote: the view host-messages.js drives; wireRemote()
 */

import { t } from "./i18n.js";
import { $, LIVE_PHASES, currentIndex, game, nextLabel, phaseLabel, remainingMs } from "./host-state.js";
import { closeQuestion, endGame, sendNext, toggleLock, togglePause } from "./host-commands.js";
import { secondsShown } from "./countdown.js";

export const remote = {
  rebuild() {
    this.render();
  },
  playerJoined() {
    this.renderCounts();
  },
  playerLeft() {
    this.renderCounts();
  },

  render() {
    $("remote").dataset.phase = game.phase;
    document.body.dataset.phase = game.phase;
    $("remote-phase").textContent = phaseLabel(game.phase);
    const index = currentIndex();
    $("remote-question").textContent = index === null ? "–" : `${index + 1} / ${game.total}`;
    $("remote-locked").hidden = !game.locked || game.phase === "ended";
    const live = LIVE_PHASES.includes(game.phase);
    const next = $("remote-next");
    next.disabled = !live;
    next.textContent = live ? `${nextLabel()} ▶` : phaseLabel(game.phase);
    const pause = $("remote-pause");
    pause.disabled = game.phase !== "question";
    pause.textContent = game.paused ? `▶ ${t("Resume")}` : `${t("Pause")}`;
    $("remote-close").disabled = game.phase !== "question";
    const lock = $("remote-lock");
    lock.disabled = !live;
    lock.setAttribute("aria-pressed", String(game.locked));
    lock.textContent = game.locked ? `${t("Unlock")}` : `${t("Lock")}`;
    $("remote-end").disabled = !live;
    this.renderCounts();
    this.tick();
  },

  renderCounts() {
    $("remote-players").textContent = String(game.playerCount);
    $("remote-answered").textContent = game.phase === "question"
      ? `${game.answered} / ${Math.max(game.expected, game.answered)}`
      : game.reveal ? `${game.reveal.answered}` : "–";
  },

  tick() {
    const timer = $("remote-timer");
    if (game.phase !== "question") {
      timer.textContent = "–";
      return;
    }
    const seconds = secondsShown(remainingMs());
    timer.textContent = game.paused ? `${seconds} s · ${t("Paused")}` : `${seconds} s`;
  },
};

export function wireRemote() {
  $("remote-next").addEventListener("click", sendNext);
  $("remote-pause").addEventListener("click", togglePause);
  $("remote-close").addEventListener("click", closeQuestion);
  $("remote-lock").addEventListener("click", toggleLock);
  $("remote-end").addEventListener("click", endGame);
}
