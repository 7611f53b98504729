/**
 * player-pc.js: the shared computer (/pc). Between questions a "Next person" button asks to
 * finish the turn (an inline confirm, #reset-confirm); the final screen clears itself after two
 * minutes left alone. Finishing sends `leave`, forgets the token, empties the page and loads
 * a fresh /pc with location.replace (no history entry to go back to; the page is served
 * no-store, and a page restored from the back/forward cache reloads itself).
 *
 *   wireSharedPc()   resetForNextPerson()
 */

import { clear } from "./dom.js";
import { setText } from "./i18n.js";
import { $, FINAL_AUTOCLEAR_S, S, app, session, tokens } from "./player-state.js";
import { onScreen } from "./player-screens.js";
import { stopTimer } from "./player-timer.js";

let autoclearTimer = 0;
let autoclearTick = 0;

function updateNextPersonButton() {
  const button = $("next-person");
  if (!button) return;
  const between = ["lobby", "reveal", "rank", "race-finished", "final", "connecting"].indexOf(S.screen) >= 0;
  button.hidden = !(S.player || S.screen === "connecting") || !between;
}

function askNextPerson() {
  if (S.phase === "ended" || S.phase === "podium") return resetForNextPerson();
  $("reset-confirm").hidden = false;
  app.classList.add("confirming");
  $("reset-confirm-title").focus();
  return undefined;
}

function closeConfirm() {
  $("reset-confirm").hidden = true;
  app.classList.remove("confirming");
  const button = $("next-person");
  if (button && !button.hidden) button.focus();
}

export function resetForNextPerson() {
  clearTimeout(autoclearTimer);
  clearInterval(autoclearTick);
  const pin = S.ended ? "" : S.pin;
  if (session.live) {
    session.live.send({ type: "leave" });
    session.live.close();
  }
  tokens.clear();
  try {
    sessionStorage.clear();
  } catch (error) {
    /* nothing stored */
  }
  stopTimer();
  for (const key of Object.keys(S)) S[key] = null;
  clear(app); // nothing of this person stays in the page, even for a moment
  location.replace("/pc" + (pin ? "?pin=" + encodeURIComponent(pin) : ""));
}

function scheduleAutoclear() {
  clearTimeout(autoclearTimer);
  clearInterval(autoclearTick);
  const note = $("final-autoclear");
  if (!note) return;
  if (S.screen !== "final") {
    note.textContent = "";
    return;
  }
  const until = Date.now() + FINAL_AUTOCLEAR_S * 1000;
  const draw = () => {
    const seconds = Math.max(0, Math.ceil((until - Date.now()) / 1000));
    setText(note, "This screen clears itself in %(seconds)s s.", { seconds: seconds });
  };
  draw();
  autoclearTick = setInterval(draw, 1000);
  autoclearTimer = setTimeout(resetForNextPerson, FINAL_AUTOCLEAR_S * 1000);
}

export function wireSharedPc() {
  onScreen((name) => {
    updateNextPersonButton();
    if (name === "question" && !$("reset-confirm").hidden) closeConfirm(); // the game moved on
    scheduleAutoclear();
  });
  $("next-person").addEventListener("click", askNextPerson);
  $("final-next-person").addEventListener("click", resetForNextPerson);
  $("reset-confirm-yes").addEventListener("click", resetForNextPerson);
  $("reset-confirm-no").addEventListener("click", closeConfirm);
  $("reset-confirm").addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeConfirm();
  });
  ["keydown", "pointerdown"].forEach((type) =>
    document.addEventListener(type, () => {
      if (S.screen === "final") scheduleAutoclear();
    }),
  );
  window.addEventListener("pageshow", (event) => {
    // Never show a page restored from the back/forward cache on the shared PC.
    if (event.persisted) location.replace("/pc");
  });
}
