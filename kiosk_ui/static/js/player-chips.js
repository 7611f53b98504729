/**
 * player-chips.js: how the phone draws an option (letter + shape + colour, and its text when
 * the phone shows texts) and a given answer as a row of chips ("Your answer", "Correct answer").
 *
 *   optionFace(index, texts, showText, withKey), optionClass(index), answerChips(q, value, labelMsgid)
 */

import { N_ } from "./i18n.js";
import { h } from "./dom.js";
import { letterClass, optionBadge, optionLetter } from "./glyphs.js";
import { choices, hasChoiceText } from "./answer-values.js";
import { PC } from "./player-state.js";

export function optionFace(index, texts, showText, withKey) {
  const letter = optionLetter(index);
  const face = [optionBadge(index)];
  if (showText && texts) {
    face.push(h("span", { class: "visually-hidden", i18n: [N_("Option %(letter)s:"), { letter: letter }] }));
    face.push(h("span", { class: "opt-text", loc: texts }));
  } else {
    face.push(h("span", { class: "visually-hidden", i18n: ["Option %(letter)s", { letter: letter }] }));
  }
  if (PC && withKey) face.push(h("kbd", { class: "opt-key", "aria-hidden": "true" }, String(index + 1)));
  return face;
}

export function optionClass(index) {
  return "option " + letterClass(index);
}

export function trueFalseFace(value) {
  const index = value ? 0 : 1;
  return [optionBadge(index), h("span", { class: "opt-text", i18n: value ? "True" : "False" })];
}

export function answerChips(q, value, labelMsgid) {
  const box = h("div", { class: "chips-block" }, h("p", { class: "chips-label", i18n: labelMsgid }));
  const all = choices(q);
  const showText = hasChoiceText(q);
  const list = h("div", { class: "chips" + (q.kind === "order" && showText ? " ordered" : "") });
  const chip = (index, texts) => h("span", { class: "chip " + letterClass(index) }, optionFace(index, texts, showText && !!texts));
  const number = (position) => h("span", { class: "chip-number", "aria-hidden": "true" }, String(position + 1));
  if (q.kind === "typed") {
    list.appendChild(h("span", { class: "chip typed", text: String(value) }));
  } else if (q.kind === "truefalse") {
    list.appendChild(h("span", { class: "chip " + letterClass(value === true ? 0 : 1) }, trueFalseFace(value === true)));
  } else if (Array.isArray(value)) {
    value.forEach((index, position) => {
      if (q.kind !== "order") list.appendChild(chip(index, all[index]));
      else if (showText) {
        list.appendChild(number(position));
        list.appendChild(chip(index, all[index]));
      } else {
        list.appendChild(h("span", { class: "chip-pair" }, number(position), chip(index, null)));
      }
    });
  } else if (typeof value === "number") {
    list.appendChild(chip(value, all[value]));
  }
  box.appendChild(list);
  return box;
}
