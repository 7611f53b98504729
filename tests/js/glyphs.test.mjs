// Option glyphs: one letter, one colour class and one SVG shape per option, on every page.
// The shapes are drawn once, in kiosk_ui/static/glyphs.svg; glyphs.js only refers to them.
// (tests/unit/test_option_glyphs.py checks the templates and the server against the same sprite.)
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import {
  OPTION_LETTERS,
  SHAPE_NAMES,
  SPRITE,
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

const UI = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "kiosk_ui");
const sprite = readFileSync(join(UI, "static", "glyphs.svg"), "utf8");
const symbols = Array.from(
  sprite.matchAll(/<symbol id="([a-z]+)" data-letter="([A-Z])" viewBox="0 0 24 24">(.*?)<\/symbol>/g),
  ([, id, letter, body]) => ({ id, letter, body }),
);

test("the letters and shape names are the sprite's, in its order", () => {
  assert.equal(SPRITE, "/static/glyphs.svg");
  assert.equal(symbols.length, (sprite.match(/<symbol/g) || []).length); // every symbol read
  assert.deepEqual(OPTION_LETTERS, symbols.map((symbol) => symbol.letter));
  assert.deepEqual(SHAPE_NAMES, symbols.map((symbol) => symbol.id));
});

test("every shape is drawn once in the sprite, inside the 24×24 view box", () => {
  for (const { id, body } of symbols) {
    const drawings = Array.from(body.matchAll(/<(polygon|circle|rect)\s([^>]*)\/>/g));
    assert.equal(drawings.length, 1, id);
    const numbers = Array.from(drawings[0][2].matchAll(/"([^"]*)"/g), (m) => m[1])
      .join(" ")
      .split(/[ ,]+/)
      .map(Number);
    assert.ok(numbers.every((n) => n >= 0 && n <= 24), `${id}: ${numbers}`);
  }
});

test("no module draws a shape or lists the shapes besides glyphs.js, which only refers to the sprite", () => {
  const JS = join(UI, "static", "js");
  const strays = [];
  for (const name of readdirSync(JS).filter((file) => file.endsWith(".js"))) {
    const source = readFileSync(join(JS, name), "utf8");
    if (/polygon|points=|\bcx\b/.test(source)) strays.push(`${name}: draws a shape`);
    if (name !== "glyphs.js" && /glyphs\.svg|"hexagon"|"triangle"/.test(source)) strays.push(`${name}: a copy`);
  }
  const made = readFileSync(join(JS, "glyphs.js"), "utf8").matchAll(/createElementNS\(SVG_NS, "(\w+)"\)/g);
  assert.deepEqual(Array.from(made, (m) => m[1]), ["svg", "use"]);
  assert.deepEqual(strays, []);
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

test("optionShape() uses the sprite's symbol, hidden from screen readers, with both pages' classes", () => {
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
    assert.equal(svg.children[0].tag, "use");
    assert.deepEqual(svg.children[0].attributes, { href: "/static/glyphs.svg#star" });
    assert.equal(optionShape(2).children[0].attributes.href, "/static/glyphs.svg#circle");
    assert.equal(optionShape(9).attributes.class, "opt-shape shape shape-square");
  } finally {
    delete globalThis.document;
  }
});
