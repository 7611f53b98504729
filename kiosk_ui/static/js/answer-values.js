/**
 * answer-values.js: what the player's taps and keys mean, as data. Pure (no page access),
 * so node's tests run it; player-answers.js draws the widgets around it.
 *
 *   choices(q), hasChoiceText(q), optionCount(q)
 *   emptySelection() -> {single: null, multi: [], order: []}
 *   answerValue(q, sel, typed) -> the `value` of the answer message, or null while incomplete:
 *       single/poll: the option index; truefalse: true | false; multi: the indexes sorted;
 *       order: the indexes in the order placed (every step placed); typed: the trimmed text
 *   toggled(list, index), moved(list, from, to): new lists, the old one untouched
 *   keyIndex(event) -> 0..5 for keys 1–6 / A–F (and the numpad), else -1
 *   instructionFor(kind), keyHintFor(kind): msgids
 */

import { N_ } from "./i18n.js";

export function choices(q) {
  return q && Array.isArray(q.choices) ? q.choices : [];
}

export function hasChoiceText(q) {
  return choices(q).some((choice) => !!choice) && q.show_text_on_phones !== false;
}

export function optionCount(q) {
  return q.kind === "truefalse" ? 2 : choices(q).length;
}

export function emptySelection() {
  return { single: null, multi: [], order: [] };
}

export function answerValue(q, sel, typed) {
  switch (q.kind) {
    case "multi":
      return sel.multi.length ? sel.multi.slice().sort((a, b) => a - b) : null;
    case "order":
      return sel.order.length === choices(q).length && sel.order.length > 0 ? sel.order.slice() : null;
    case "typed": {
      const text = typeof typed === "string" ? typed.trim() : "";
      return text ? text : null;
    }
    case "truefalse":
      return sel.single === null ? null : sel.single === 0;
    default:
      return sel.single;
  }
}

export function toggled(list, index) {
  return list.indexOf(index) >= 0 ? list.filter((value) => value !== index) : list.concat([index]);
}

export function moved(list, from, to) {
  const copy = list.slice();
  const item = copy.splice(from, 1)[0];
  copy.splice(to, 0, item);
  return copy;
}

export function keyIndex(event) {
  const code = event.code || "";
  let match = /^(?:Digit|Numpad)([1-6])$/.exec(code);
  if (match) return Number(match[1]) - 1;
  match = /^Key([A-F])$/.exec(code);
  if (match) return match[1].charCodeAt(0) - 65;
  const key = (event.key || "").toLowerCase();
  if (key >= "1" && key <= "6" && key.length === 1) return Number(key) - 1;
  if (key.length === 1 && key >= "a" && key <= "f") return key.charCodeAt(0) - 97;
  return -1;
}

export function instructionFor(kind) {
  switch (kind) {
    case "multi":
      return N_("Choose all the right answers, then press Send.");
    case "truefalse":
      return N_("True or false?");
    case "order":
      return N_("Tap the steps in the right order, starting with the first.");
    case "typed":
      return N_("Type your answer, then press Send.");
    case "poll":
      return N_("Choose one. There is no wrong answer.");
    default:
      return N_("Choose one answer.");
  }
}

export function keyHintFor(kind) {
  if (kind === "truefalse") return N_("Keys: 1 or A = True, 2 or B = False, then Enter.");
  if (kind === "order") return N_("Keys: press the step letters in order, Backspace to undo, Enter to send.");
  return N_("Keys: 1–6 or A–F to choose, Enter to send.");
}
