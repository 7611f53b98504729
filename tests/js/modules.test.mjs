// The shape of kiosk_ui/static/js: small modules, imports that resolve, no import cycles,
// and the shared modules used instead of copies.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const JS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "kiosk_ui", "static", "js");
const MAX_LINES = 500;
const REASON = "Longer than 500 lines because"; // written in the header of a module that must be

const modules = new Map(
  readdirSync(JS)
    .filter((name) => name.endsWith(".js"))
    .map((name) => [name, readFileSync(join(JS, name), "utf8")]),
);

function importsOf(source) {
  return Array.from(source.matchAll(/^import\s[^;]*?from\s+"\.\/([^"]+)";/gms), (match) => match[1]);
}

test(`no module is over ${MAX_LINES} lines without a reason at its top`, () => {
  const long = [];
  for (const [name, source] of modules) {
    const lines = source.split("\n").length;
    const header = source.slice(0, 2000);
    if (lines > MAX_LINES && !header.includes(REASON)) long.push(`${name}: ${lines} lines`);
  }
  assert.deepEqual(long, []);
});

test("every relative import names a module that exists", () => {
  const missing = [];
  for (const [name, source] of modules) {
    for (const target of importsOf(source)) if (!modules.has(target)) missing.push(`${name} -> ${target}`);
  }
  assert.deepEqual(missing, []);
});

test("the modules import each other without cycles", () => {
  const state = new Map();
  const cycles = [];
  const visit = (name, path) => {
    state.set(name, "open");
    for (const target of importsOf(modules.get(name) || "")) {
      if (state.get(target) === "open") cycles.push([...path, name, target].join(" -> "));
      else if (!state.has(target)) visit(target, [...path, name]);
    }
    state.set(name, "done");
  };
  for (const name of modules.keys()) if (!state.has(name)) visit(name, []);
  assert.deepEqual(cycles, []);
});

test("one client: sockets, translations, glyphs, dialogs and announcements live in one place each", () => {
  const owners = [
    [/new WebSocket\(/, "live-socket.js"],
    [/fetch\("\/i18n\/"/, "i18n.js"],
    [/createElementNS\(/, "glyphs.js"],
    [/\.showModal\(/, "dialogs.js"],
    [/aria-live/, "announce.js"],
    [/function t\(/, "i18n.js"],
  ];
  const strays = [];
  for (const [pattern, owner] of owners) {
    for (const [name, source] of modules) {
      if (name !== owner && pattern.test(source)) strays.push(`${name}: ${pattern}`);
    }
  }
  assert.deepEqual(strays, []);
});

test("HTML is never built from strings", () => {
  const found = [];
  for (const [name, source] of modules) {
    if (/\.(innerHTML|outerHTML|insertAdjacentHTML)\b\s*[=(]/.test(source)) found.push(name);
  }
  assert.deepEqual(found, []);
});
