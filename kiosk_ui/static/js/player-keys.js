/**
 * player-keys.js: answering with the keyboard (mostly the shared PC): 1–6 or A–F pick an
 * option (true/false: 1/A true, 2/B false), Enter sends, Backspace undoes the last ordering
 * step, Escape clears. On a case race's result screen Enter goes on.
 *
 *   onKey(event): the document's keydown listener
 */

import { keyIndex, optionCount } from "./answer-values.js";
import { clearSelection, locked, pick, placeStep, togglePick, undoStep } from "./player-answers.js";
import { $, S } from "./player-state.js";

export function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
  if (!typing && S.screen === "race-result" && event.key === "Enter") {
    // A case race's result: Enter goes on (next step, or try again once the wait is over).
    const next = $("race-continue");
    if (target && target.tagName === "BUTTON") return; // the focused button gets its own click
    if (next && !next.disabled) {
      event.preventDefault();
      next.click();
    }
    return;
  }
  if (typing || S.screen !== "question" || !S.question || locked()) return;
  const q = S.question;
  if (event.key === "Enter") {
    if (target && target.tagName === "BUTTON") return; // the focused button gets its own click
    event.preventDefault();
    const send = $("answer-submit");
    if (send && !send.disabled) send.click();
    return;
  }
  if (event.key === "Backspace" && q.kind === "order") {
    event.preventDefault();
    undoStep();
    return;
  }
  if (event.key === "Escape") {
    clearSelection();
    return;
  }
  const index = keyIndex(event);
  if (index < 0 || index >= optionCount(q)) return;
  event.preventDefault();
  if (q.kind === "multi") togglePick(index);
  else if (q.kind === "order") placeStep(index);
  else if (q.kind !== "typed") pick(index, false);
}
