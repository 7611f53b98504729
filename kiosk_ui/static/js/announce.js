/**
 * announce.js: one polite aria-live region per page for what a screen reader should say
 * when the screen changes by itself (a new question, time running out, a result).
 *
 *   announce(text)   says text; the same words twice are said twice.
 *
 * The region is the page's own (#live-announcer on the player pages, #announcer on the host
 * pages); a page without one gets #live-announcer added at the end of <body>.
 */

const REGION_IDS = ["live-announcer", "announcer"];
const SETTLE_MS = 60;

function region() {
  for (const id of REGION_IDS) {
    const found = document.getElementById(id);
    if (found) return found;
  }
  const made = document.createElement("div");
  made.id = REGION_IDS[0];
  made.className = "visually-hidden";
  made.setAttribute("aria-live", "polite");
  made.setAttribute("aria-atomic", "true");
  document.body.appendChild(made);
  return made;
}

export function announce(text) {
  const live = region();
  // Empty first, then the words a moment later: a change is what gets read out.
  live.textContent = "";
  setTimeout(() => {
    live.textContent = text;
  }, SETTLE_MS);
}
