/**
 * glyphs.js: how an answer option is marked on every page: a letter, a shape and a colour,
 * never colour alone. The shapes follow --opt-a..--opt-f in base.css (triangle, diamond,
 * circle, square, star, hexagon); this is their only SVG definition.
 *
 *   OPTION_LETTERS, SHAPE_NAMES, optionLetter(i), letterClass(i) "opt-a", shapeClass(i) "opt-triangle"
 *   optionShape(i)          aria-hidden <svg class="opt-shape shape shape-triangle">
 *   optionBadge(i)          the phone's badge: <span class="opt-badge"> shape + letter
 *   optionMark(i, label?)   the projector's mark: <span class="opt-mark opt-triangle"> shape + letter
 */

import { h } from "./dom.js";

export const OPTION_LETTERS = ["A", "B", "C", "D", "E", "F"];
export const SHAPE_NAMES = ["triangle", "diamond", "circle", "square", "star", "hexagon"];

const SVG_NS = "http://www.w3.org/2000/svg";
export const SHAPES = {
  triangle: ["polygon", { points: "12,2.5 22.5,21 1.5,21" }],
  diamond: ["polygon", { points: "12,1.5 22.5,12 12,22.5 1.5,12" }],
  circle: ["circle", { cx: "12", cy: "12", r: "10" }],
  square: ["rect", { x: "2.5", y: "2.5", width: "19", height: "19" }],
  star: ["polygon", { points: "12,1.5 14.9,8.3 22.3,8.9 16.7,13.8 18.4,21 12,17.2 5.6,21 7.3,13.8 1.7,8.9 9.1,8.3" }],
  hexagon: ["polygon", { points: "6.5,2.5 17.5,2.5 23,12 17.5,21.5 6.5,21.5 1,12" }],
};

export function optionLetter(index) {
  return OPTION_LETTERS[index] || String(index + 1);
}

export function shapeName(index) {
  return SHAPE_NAMES[index % SHAPE_NAMES.length];
}

/** The colour class the phone pages use: opt-a … opt-f. */
export function letterClass(index) {
  return "opt-" + "abcdef".charAt(index % 6);
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
  const [tag, attributes] = SHAPES[name];
  const shape = document.createElementNS(SVG_NS, tag);
  for (const attribute of Object.keys(attributes)) shape.setAttribute(attribute, attributes[attribute]);
  svg.appendChild(shape);
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
