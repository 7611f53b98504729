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

test("tn() picks the plural form of the catalogue's language and fills num", async () => {
  const { tn, N_ } = await import("../../kiosk_ui/static/js/i18n.js");
  useCatalog("ru", {
    __plural_rule__: "ru",
    __plurals__: {
      "of %(num)s player": ["из %(num)s участника", "из %(num)s участников", "из %(num)s участников"],
      "%(num)s point": ["%(num)s очко", "%(num)s очка", "%(num)s очков"],
    },
  });
  assert.equal(tn("of %(num)s player", "of %(num)s players", 1), "из 1 участника");
  assert.equal(tn("of %(num)s player", "of %(num)s players", 21), "из 21 участника");
  assert.equal(tn("of %(num)s player", "of %(num)s players", 5), "из 5 участников");
  assert.equal(tn("%(num)s point", "%(num)s points", 3), "3 очка");
  // args.num replaces how n is shown (a formatted number); the form still follows n.
  assert.equal(tn("%(num)s point", "%(num)s points", 1500, { num: "1 500" }), "1 500 очков");
  // Other named arguments are filled too; a text the catalogue lacks is the English source.
  assert.equal(tn("Top %(shown)s of %(num)s player", "Top %(shown)s of %(num)s players", 9, { shown: 3 }), "Top 3 of 9 players");
  useCatalog("en", {});
  assert.equal(tn("%(num)s second left", "%(num)s seconds left", 1), "1 second left");
  assert.equal(tn("%(num)s second left", "%(num)s seconds left", 0), "0 seconds left");
  // N_ only marks a msgid for pybabel: it returns it as is.
  assert.equal(N_("Choose one answer."), "Choose one answer.");
});

test("setText() with a function (setCount) makes a count text again on a language switch", async () => {
  const { applyTranslations, clearText, setCount, setText, tn } = await import("../../kiosk_ui/static/js/i18n.js");
  const element = () => ({ dataset: {}, textContent: "" });
  const counted = element();
  const plain = element();
  // A stand-in document: only what applyTranslations asks for.
  const root = {
    querySelectorAll(selector) {
      const all = [counted, plain];
      if (selector === "[data-i18n]") return all.filter((el) => el.dataset.i18n !== undefined);
      if (selector === "[data-i18n-made]") return all.filter((el) => el.dataset.i18nMade !== undefined);
      return [];
    },
  };
  const ru = {
    __plural_rule__: "ru",
    __plurals__: { "%(num)s player": ["%(num)s участник", "%(num)s участника", "%(num)s участников"] },
    Join: "Войти",
  };
  useCatalog("en", {});
  setCount(counted, () => tn("%(num)s player", "%(num)s players", 22));
  setText(plain, "Join");
  assert.equal(counted.textContent, "22 players");
  assert.equal(counted.dataset.i18n, undefined); // not a msgid: nothing for data-i18n to redo
  useCatalog("ru", ru);
  applyTranslations(root);
  assert.deepEqual([counted.textContent, plain.textContent], ["22 участника", "Войти"]);
  // A plain msgid afterwards (or clearText) forgets the function.
  setText(counted, "Join");
  assert.equal(counted.dataset.i18nMade, undefined);
  clearText(plain);
  useCatalog("en", {});
  applyTranslations(root);
  assert.deepEqual([counted.textContent, plain.textContent], ["Join", ""]);
});
