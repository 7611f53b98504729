/**
 * host-race-remote.js: the trainer's phone remote for a case race
 * (templates/host_remote_race.html): what is going on, the time left, players, finishers and
 * the leader, and the buttons Start, Pause / Resume, Lock, End.
 *
 *   raceRemote: the view host-race-messages.js drives; wireRaceRemote()
 */

import { t } from "./i18n.js";
import { formatClock } from "./countdown.js";
import { $, game, phaseLabel } from "./host-state.js";
import { endGame, sendNext, toggleLock, togglePause } from "./host-commands.js";

export const raceRemote = {
  rebuild() {
    this.render();
  },
  playerJoined() {
    this.renderCounts();
  },
  playerLeft() {
    this.renderCounts();
  },
  playerChanged() {},
  trackChanged() {
    this.render();
  },

  render() {
    $("remote").dataset.phase = game.phase;
    document.body.dataset.phase = game.phase;
    $("remote-phase").textContent = game.paused && game.phase === "race" ? `${phaseLabel("race")} · ${t("Paused")}` : phaseLabel(game.phase);
    $("remote-locked").hidden = !game.locked || game.phase === "ended";
    const lobby = game.phase === "lobby";
    const live = lobby || game.phase === "race";
    const next = $("remote-next");
    next.disabled = !lobby;
    next.textContent = lobby ? `${t("Start the race")} ▶` : phaseLabel(game.phase);
    const pause = $("remote-pause");
    pause.disabled = game.phase !== "race";
    pause.textContent = game.paused ? `▶ ${t("Resume")}` : t("Pause");
    const lock = $("remote-lock");
    lock.disabled = !live;
    lock.setAttribute("aria-pressed", String(game.locked));
    lock.textContent = game.locked ? t("Unlock") : t("Lock");
    $("remote-end").disabled = !live;
    this.renderCounts();
    this.tick();
  },

  renderCounts() {
    $("remote-players").textContent = String(game.playerCount);
    const track = game.track;
    const counts = (track && track.histogram) || [];
    $("remote-finished").textContent = game.phase === "lobby" || !counts.length
      ? "–"
      : `${counts[counts.length - 1]} / ${track.participants || 0}`;
    const leader = track && track.lanes && track.lanes[0];
    $("remote-leader").textContent = leader && game.phase !== "lobby" ? `${leader.name} (${leader.steps}/${track.total})` : "–";
  },

  tick() {
    const timer = $("remote-timer");
    if (game.phase !== "race") {
      timer.textContent = game.phase === "lobby" ? formatClock(game.clock.left()) : "–";
      return;
    }
    const time = formatClock(game.clock.left());
    timer.textContent = game.paused ? `${time} · ${t("Paused")}` : time;
  },
};

export function wireRaceRemote() {
  $("remote-next").addEventListener("click", sendNext);
  $("remote-pause").addEventListener("click", togglePause);
  $("remote-lock").addEventListener("click", toggleLock);
  $("remote-end").addEventListener("click", endGame);
}
