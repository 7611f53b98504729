// Translations: named %(name)s arguments, catalogue look-up, bank texts, number format.
import assert from "node:assert/strict";
import { test } from "node:test";

import { currentLanguage, format, formatNumber, localized, t, useCatalog } from "../../kiosk_ui/static/js/i18n.js";

test("format fills named arguments, any number of times, in any order", () => {
  assert.equal(format("Place %(rank)s of %(players)s", { rank: 3, players: 20 }), "Place 3 of 20");
  assert.equal(format("%(players)s / %(rank)s / %(rank)s", { rank: 1, players: 2 }), "2 / 1 / 1");
  assert.equal(format("%(n)s", { n: 0 }), "0");
});

test("a missing argument stays visible instead of vanishing", () => {
  assert.equal(format("Place %(rank)s of %(players)s", { rank: 3 }), "Place 3 of %(players)s");
  assert.equal(format("Hello %(name)s", { name: null }), "Hello %(name)s");
  assert.equal(format("Hello %(name)s", { name: undefined }), "Hello %(name)s");
  // Only own properties count: nothing comes from Object.prototype.
  assert.equal(format("%(toString)s", {}), "%(toString)s");
});

test("without arguments the text is returned untouched", () => {
  assert.equal(format("100%(x)s sure"), "100%(x)s sure");
});

test("t() translates from the loaded catalogue and falls back to the msgid", () => {
  useCatalog("ru", { "Place %(rank)s of %(players)s": "Место %(rank)s из %(players)s", Join: "Войти" });
  assert.equal(currentLanguage(), "ru");
  assert.equal(t("Join"), "Войти");
  assert.equal(t("Place %(rank)s of %(players)s", { rank: 2, players: 9 }), "Место 2 из 9");
  assert.equal(t("Not in the catalogue %(x)s", { x: "!" }), "Not in the catalogue !");
  useCatalog("xx", null);
  assert.equal(currentLanguage(), "uz"); // an unknown language code is never used
  assert.equal(t("Join"), "Join");
});

test("localized() picks the page language, then Uzbek, then any", () => {
  useCatalog("en", {});
  assert.equal(localized({ uz: "Ha", ru: "Да", en: "Yes" }), "Yes");
  assert.equal(localized({ uz: "Ha", ru: "Да" }), "Ha");
  assert.equal(localized({ ru: "Да" }), "Да");
  assert.equal(localized("plain"), "plain");
  assert.equal(localized(null), "");
  assert.equal(localized(undefined), "");
  useCatalog("ru", {});
  assert.equal(localized({ uz: "Ha", ru: "Да", en: "Yes" }), "Да");
});

test("formatNumber groups thousands: comma in English, no-break space otherwise", () => {
  assert.equal(formatNumber(12345, "en"), "12,345");
  assert.equal(formatNumber(1234567, "en"), "1,234,567");
  assert.equal(formatNumber(12345, "uz"), "12\u00a0345");
  assert.equal(formatNumber(12345, "ru"), "12\u00a0345");
  assert.equal(formatNumber(999, "en"), "999");
  assert.equal(formatNumber(-1500, "en"), "-1,500");
  assert.equal(formatNumber(1499.6, "en"), "1,500");
  assert.equal(formatNumber("not a number", "en"), "0");
  useCatalog("en", {});
  assert.equal(formatNumber(1000), "1,000"); // the current language by default
});
