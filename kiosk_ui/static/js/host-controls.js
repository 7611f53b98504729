/**
 * host-controls.js: the projector's control bar and keys. Space, →, PageDown or Enter: next;
 * P: pause / resume; L: lock / unlock; E: end (after confirming); F: full screen. In full
 * screen the control bar fades out while the mouse rests; keys still work.
 *
 *   wireProjector()
 */

import { el } from "./dom.js";
import { t } from "./i18n.js";
import { $ } from "./host-state.js";
import { endGame, sendNext, toggleLock, togglePause } from "./host-commands.js";
import { fitCurrentScreen } from "./host-projector.js";

function toggleFullscreen() {
  if (document.fullscreenElement) {
    document.exitFullscreen?.();
  } else {
    document.documentElement.requestFullscreen?.().catch(() => {});
  }
}

/** After a mouse click, give the focus back to the page so Space means "next" again. */
function releaseFocusAfterClick(event) {
  const control = event.target.closest && event.target.closest("button");
  if (control && event.detail > 0) control.blur();
}

function onKey(event) {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (document.querySelector("dialog[open]")) return; // the dialog has the keys
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select")) return;
  const onControl = target.closest && target.closest("button, a");
  const key = event.key;
  if (key === " " || key === "ArrowRight" || key === "PageDown" || key === "Enter") {
    if (onControl && (key === " " || key === "Enter")) return; // the focused control acts
    event.preventDefault();
    sendNext();
  } else if (key === "p" || key === "P") {
    togglePause();
  } else if (key === "e" || key === "E") {
    event.preventDefault();
    endGame();
  } else if (key === "f" || key === "F") {
    toggleFullscreen();
  } else if (key === "l" || key === "L") {
    toggleLock();
  }
}

function fadeWhenIdle() {
  let idleTimer = 0;
  const wake = () => {
    document.body.classList.remove("idle");
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (document.fullscreenElement && !$("host-controls").contains(document.activeElement)) {
        document.body.classList.add("idle");
      }
    }, 3000);
  };
  for (const type of ["mousemove", "mousedown", "touchstart", "focusin"]) document.addEventListener(type, wake);
  document.addEventListener("fullscreenchange", wake);
}

/** `onResize`: what fits the screens again when the window changes (the quiz's by default). */
export function wireProjector(onResize = fitCurrentScreen) {
  $("host-controls").addEventListener("click", releaseFocusAfterClick);
  $("next-button").addEventListener("click", sendNext);
  $("pause-toggle").addEventListener("click", togglePause);
  $("lock-toggle").addEventListener("click", toggleLock);
  $("end-button").addEventListener("click", endGame);
  const fullscreen = $("fullscreen-toggle");
  fullscreen.hidden = !document.fullscreenEnabled;
  fullscreen.addEventListener("click", toggleFullscreen);
  document.addEventListener("fullscreenchange", () => {
    document.body.classList.toggle("is-fullscreen", Boolean(document.fullscreenElement));
    fullscreen.replaceChildren(
      document.createTextNode(document.fullscreenElement ? `${t("Exit full screen")} ` : `${t("Full screen")} `),
      el("kbd", "", "F"),
    );
  });
  document.addEventListener("keydown", onKey);
  fadeWhenIdle();
  window.addEventListener("resize", onResize);
}
