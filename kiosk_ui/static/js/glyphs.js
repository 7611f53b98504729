/**
 * glyphs.js: how an answer option is marked on every page: a letter, a shape and a colour,
 * never colour alone. The shapes follow --opt-a..--opt-f in base.css (triangle, diamond,
 * circle, square, star, hexagon). They are drawn once, in the sprite /static/glyphs.svg (one
 * <symbol> per shape, which the console's server-rendered pages use too); an option's shape
 * is a <use> of its symbol. OPTION_LETTERS and SHAPE_NAMES are the sprite's letters and ids
 * in its order (tests/js/glyphs.test.mjs keeps them equal).
 *
 *   OPTION_LETTERS, SHAPE_NAMES, optionLetter(i), letterClass(i) "opt-a", shapeClass(i) "opt-triangle"
 *   optionShape(i)          aria-hidden <svg class="opt-shape shape shape-triangle"><use href="/static/glyphs.svg#triangle">
 *   optionBadge(i)          the phone's badge: <span class="opt-badge"> shape + letter
 *   optionMark(i, label?)   the projector's mark: <span class="opt-mark opt-triangle"> shape + letter
 */

import { h } from "./dom.js";

export const OPTION_LETTERS = ["A", "B", "C", "D", "E", "F"];
export const SHAPE_NAMES = ["triangle", "diamond", "circle", "square", "star", "hexagon"];

const SVG_NS = "http://www.w3.org/2000/svg";
export const SPRITE = "/static/glyphs.svg";

export function optionLetter(index) {
  return OPTION_LETTERS[index] || String(index + 1);
}

export function shapeName(index) {
  return SHAPE_NAMES[index % SHAPE_NAMES.length];
}

/** The colour class the phone pages use: opt-a … opt-f. */
export function letterClass(index) {
  return "opt-" + OPTION_LETTERS[index % OPTION_LETTERS.length].toLowerCase();
}

/** The colour class the projector and console use: opt-triangle … opt-hexagon. */
export function shapeClass(index) {
  return "opt-" + shapeName(index);
}

export function optionShape(index) {
  const name = shapeName(index);
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "opt-shape shape shape-" + name);
  const use = document.createElementNS(SVG_NS, "use");
  use.setAttribute("href", SPRITE + "#" + name);
  svg.appendChild(use);
  return svg;
}

export function optionBadge(index) {
  return h(
    "span",
    { class: "opt-badge", "aria-hidden": "true" },
    optionShape(index),
    h("span", { class: "opt-letter" }, optionLetter(index)),
  );
}

export function optionMark(index, label) {
  return h(
    "span",
    { class: "opt-mark " + shapeClass(index) },
    optionShape(index),
    h("span", { class: "opt-letter", text: label === undefined ? OPTION_LETTERS[index] : label }),
  );
}
