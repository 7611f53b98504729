// Option glyphs: one letter, one colour class and one SVG shape per option, on every page.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  OPTION_LETTERS,
  SHAPES,
  SHAPE_NAMES,
  letterClass,
  optionLetter,
  optionShape,
  shapeClass,
  shapeName,
} from "../../kiosk_ui/static/js/glyphs.js";

test("six options: letters A–F, in the order of the shapes", () => {
  assert.deepEqual(OPTION_LETTERS, ["A", "B", "C", "D", "E", "F"]);
  assert.deepEqual(SHAPE_NAMES, ["triangle", "diamond", "circle", "square", "star", "hexagon"]);
  assert.equal(optionLetter(0), "A");
  assert.equal(optionLetter(5), "F");
  assert.equal(optionLetter(6), "7"); // past F: a number rather than nothing
});

test("colour classes: opt-a… on the phone, opt-triangle… on the projector, wrapping after six", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(letterClass), ["opt-a", "opt-b", "opt-c", "opt-d", "opt-e", "opt-f"]);
  assert.deepEqual([0, 1, 5].map(shapeClass), ["opt-triangle", "opt-diamond", "opt-hexagon"]);
  assert.equal(letterClass(6), "opt-a");
  assert.equal(shapeName(7), "diamond");
});

test("every shape has one SVG definition inside the 24×24 view box", () => {
  assert.deepEqual(Object.keys(SHAPES).sort(), [...SHAPE_NAMES].sort());
  for (const [name, [tag, attributes]] of Object.entries(SHAPES)) {
    assert.ok(["polygon", "circle", "rect"].includes(tag), name);
    const numbers = Object.values(attributes).join(" ").split(/[ ,]+/).map(Number);
    assert.ok(numbers.every((n) => n >= 0 && n <= 24), `${name}: ${numbers}`);
  }
});

/** Just enough of document.createElementNS for optionShape(). */
function fakeDocument() {
  const make = (namespace, tag) => ({
    namespace,
    tag,
    attributes: {},
    children: [],
    setAttribute(name, value) {
      this.attributes[name] = String(value);
    },
    appendChild(child) {
      this.children.push(child);
      return child;
    },
  });
  return { createElementNS: make };
}

test("optionShape() draws the shape, hidden from screen readers, with both pages' classes", () => {
  globalThis.document = fakeDocument();
  try {
    const svg = optionShape(4);
    assert.equal(svg.namespace, "http://www.w3.org/2000/svg");
    assert.equal(svg.tag, "svg");
    assert.equal(svg.attributes["aria-hidden"], "true");
    assert.equal(svg.attributes.focusable, "false");
    assert.equal(svg.attributes.viewBox, "0 0 24 24");
    assert.equal(svg.attributes.class, "opt-shape shape shape-star");
    assert.equal(svg.children.length, 1);
    assert.equal(svg.children[0].tag, "polygon");
    assert.equal(svg.children[0].attributes.points, SHAPES.star[1].points);
    assert.equal(optionShape(2).children[0].tag, "circle");
    assert.equal(optionShape(9).attributes.class, "opt-shape shape shape-square");
  } finally {
    delete globalThis.document;
  }
});
