/**
 * player.js: the player's side of a live quiz, on a phone (/join) or a shared PC (/pc).
 *
 * One page, one WebSocket (/ws/play), screens shown one at a time (templates/player_layout.html):
 *   join -> lobby -> question -> answered -> reveal (+ result) -> rank -> ... -> final
 *   plus "connecting" (resuming a saved place) and "notice" (kicked, opened elsewhere, expired).
 *
 * This module only starts the page; the work is done by:
 *   player-state.js     the state, the error texts, the resume tokens
 *   player-screens.js   showing a screen, the score bar, alerts and notices
 *   player-join.js      the join form and the remembered profile
 *   player-messages.js  what each server message does (the server decides the screen)
 *   player-answers.js   the answer widgets and sending (answer-values.js: what taps mean)
 *   player-keys.js      answering with the keyboard
 *   player-timer.js     the countdown
 *   player-results.js   answered, reveal, rank and final screens
 *   player-pc.js        the shared computer: "Next person" and clearing the page
 *   player-race.js      a case race: steps, attempts, penalties, the finish (player-race-screens.js
 *                       draws them; race-steps.js: what they say)
 * and the shared modules of every live page: live-socket.js, i18n.js, glyphs.js, dom.js, announce.js.
 *
 * Phones keep the resume token in localStorage ("qk.resume.<PIN>"; also the last name used);
 * the shared PC keeps it in sessionStorage only. All bank and player text is set with
 * textContent, and every interface text goes through t(), so switching language redraws in
 * place, live.
 */

import { connectLive } from "./live-socket.js";
import { loadLanguage, onLanguage, t, wireLanguageSwitch } from "./i18n.js";
import { $, PC, RESUME_MAX_AGE, S, app, session, tokens } from "./player-state.js";
import { show, updateBar } from "./player-screens.js";
import { prefillProfile, showJoin, wireJoin } from "./player-join.js";
import { onClose, onMessage, onOpen } from "./player-messages.js";
import { onKey } from "./player-keys.js";
import { showFinal, showRank, showReveal } from "./player-results.js";
import { wireSharedPc } from "./player-pc.js";
import { redrawRace, wireRace } from "./player-race.js";

function retitle() {
  document.title = t(app.dataset.title || "Join the quiz") + " · " + t("DMED Quiz Kiosk");
}

async function start() {
  $("browser-too-old").hidden = true;
  try {
    await loadLanguage(document.body.dataset.lang || document.documentElement.lang);
  } catch (error) {
    /* texts stay in the language the server rendered; JS-made texts fall back to English */
  }
  wireLanguageSwitch();
  onLanguage(() => {
    retitle();
    updateBar();
    // numbers are formatted per language
    if (S.mode === "race") redrawRace();
    else if (S.screen === "reveal") showReveal();
    else if (S.screen === "rank") showRank();
    else if (S.screen === "final") showFinal();
  });
  const url = new URL(location.href);
  if (url.searchParams.has("lang")) {
    url.searchParams.delete("lang");
    history.replaceState(null, "", url.pathname + url.search);
  }

  wireJoin();
  wireRace();
  if (PC) wireSharedPc();
  document.addEventListener("keydown", onKey);
  prefillProfile();

  const saved = S.pin ? tokens.get(S.pin) : PC ? null : tokens.latest(RESUME_MAX_AGE, (value) => !value.ended);
  if (saved && Date.now() - (saved.saved_at || 0) < RESUME_MAX_AGE) {
    S.token = saved.token;
    if (saved.pin) S.pin = saved.pin;
    show("connecting");
  } else {
    showJoin();
  }
  session.live = connectLive({ path: "/ws/play", status: $("connection-status"), onOpen, onMessage, onClose });
}

start();
