/**
 * player-screens.js: the player page shows one screen at a time (templates/player_layout.html:
 * join, connecting, lobby, question, answered, reveal, rank, final, notice; a case race adds
 * race-result and race-finished), with the name and score bar (steps done in a race) above
 * the in-game ones and a short-lived alert for errors that belong nowhere else.
 *
 *   show(name, {focus: false}?)  onScreen(fn): fn(name) after every show (the shared PC hooks in)
 *   updateBar(), showAlert(code, extra), hideAlert(), showNotice(title, text, action, fn), showLobby()
 */

import { clearText, formatNumber, setText } from "./i18n.js";
import { $, S, SCREENS, app, errorSetter } from "./player-state.js";

const listeners = [];
let alertTimer = 0;

export function onScreen(listener) {
  listeners.push(listener);
}

export function show(name, options) {
  const changed = S.screen !== name;
  S.screen = name;
  app.dataset.screen = name;
  document.body.dataset.screen = name; // lets the CSS compact the header around the buttons
  for (const screen of SCREENS) {
    const section = $("screen-" + screen);
    if (section) section.hidden = screen !== name;
  }
  // Name and score above every in-game screen but the question itself (room for the buttons).
  const inGame = !!S.player && ["join", "notice", "question"].indexOf(name) < 0;
  $("game-bar").hidden = !inGame;
  listeners.forEach((listener) => listener(name));
  if (changed) {
    hideAlert();
    window.scrollTo(0, 0);
    if (!options || options.focus !== false) {
      const title = $("screen-" + name).querySelector(".screen-title, h1");
      if (title && document.activeElement !== $("join-name")) title.focus({ preventScroll: true });
    }
  }
}

export function updateBar() {
  if (S.player) $("bar-name").textContent = S.player.name;
  if (S.mode === "race") {
    // A case race has no score: the bar counts the steps done.
    setText($("bar-steps"), "Steps: %(done)s/%(total)s", { done: S.race.done, total: S.race.total || "?" });
    return;
  }
  $("bar-score").textContent = S.score === null ? "–" : formatNumber(S.score);
}

export function showAlert(code, extra) {
  const alert = $("player-alert");
  errorSetter(alert, code, extra);
  alert.hidden = false;
  clearTimeout(alertTimer);
  alertTimer = setTimeout(hideAlert, 8000);
}

export function hideAlert() {
  const alert = $("player-alert");
  if (alert) {
    alert.hidden = true;
    clearText(alert);
  }
}

export function showNotice(titleMsgid, textMsgid, actionMsgid, action) {
  setText($("notice-title"), titleMsgid);
  setText($("notice-text"), textMsgid);
  const button = $("notice-action");
  setText(button, actionMsgid);
  button.onclick = action;
  show("notice");
}

export function showLobby() {
  setText($("lobby-players"), "Players in the game: %(count)s", { count: S.players });
  show("lobby");
}
