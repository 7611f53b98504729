/**
 * i18n.js: the interface texts of every page, from the server's catalogues
 * (GET /i18n/<lang>.json; msgids are the English texts, so a missing catalogue shows English).
 *
 *   await loadLanguage(lang);  currentLanguage();
 *   t("Place %(rank)s of %(players)s", {rank: 3, players: 20})   // Python-style %(name)s;
 *       an argument that is not given stays visible as %(name)s rather than vanishing
 *   tn("%(num)s player", "%(num)s players", 22, args)   the plural form for n (plural.js), filled
 *       with {num: n, ...args} (args.num may replace n's text, e.g. by formatNumber(n))
 *   N_("msgid")                 marks a msgid used later through a variable (returns it as is), so
 *       `pybabel extract` finds it where it is written
 *   format(text, args)          the same substitution on any text (pure)
 *   localized({uz, ru, en})     a bank text in the current language, else Uzbek, else any
 *   formatNumber(12345)         12,345 in English; 12 345 in Uzbek and Russian
 *   setText(el, msgid, args) / setLocalized(el, texts): set textContent AND remember it, so
 *   applyTranslations(root) can redo every remembered text (also data-i18n="msgid" and
 *   data-i18n-aria-label / -placeholder / -title attributes written in templates).
 *   setText(el, make) with a function instead of a msgid: the text is make() and is made again
 *   on a language switch; that is how a count with a noun is set, since its form depends on
 *   the language: setCount(el, () => tn("of %(num)s player", "of %(num)s players", n)).
 *   Write the tn() call inside setCount(), or in a function defined outside setText(): pybabel
 *   does not look into the arguments of setText() for other markers.
 *   await switchLanguage(lang): cookie qk_lang (a year), catalogue, <html lang>, re-render, listeners.
 *   onLanguage(fn): called after each switch.  wireLanguageSwitch(): makes base.html's language
 *   links switch in place (no reload, the WebSocket stays up) and translates the base header.
 *
 * Nothing here touches the page when the module is imported, so the pure parts run under node.
 */

import { pluralForm } from "./plural.js";

export const LANGUAGES = ["uz", "ru", "en"];

const i18n = { lang: "", catalog: {}, listeners: [] };
const remembered = new WeakMap(); // element -> bank texts {uz, ru, en}
const makers = new WeakMap(); // element -> the function that makes its text (counts)

/** Marks a msgid for `pybabel extract` where it is written; t() translates it later. */
export const N_ = (s) => s;

export function currentLanguage() {
  if (!i18n.lang) {
    const page = typeof document !== "undefined" ? document.documentElement.lang : "";
    i18n.lang = LANGUAGES.indexOf(page) >= 0 ? page : "uz";
  }
  return i18n.lang;
}

/** Use this catalogue from now on (loadLanguage's second half; tests call it directly). */
export function useCatalog(lang, catalog) {
  i18n.lang = LANGUAGES.indexOf(lang) >= 0 ? lang : "uz";
  i18n.catalog = catalog || {};
  return i18n.lang;
}

export async function loadLanguage(lang) {
  const code = LANGUAGES.indexOf(lang) >= 0 ? lang : "uz";
  const response = await fetch("/i18n/" + code + ".json", { cache: "no-cache" });
  if (!response.ok) throw new Error("catalog " + code + ": HTTP " + response.status);
  return useCatalog(code, await response.json());
}

export function format(text, args) {
  if (!args) return text;
  return text.replace(/%\((\w+)\)s/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(args, name) && args[name] !== undefined && args[name] !== null
      ? String(args[name])
      : whole,
  );
}

export function t(msgid, args) {
  return format((i18n.catalog && i18n.catalog[msgid]) || msgid, args);
}

/** The plural form of a text with a count n, translated and filled with {num: n, ...args}. */
export function tn(singular, plural, n, args) {
  return format(pluralForm(i18n.catalog, singular, plural, n), Object.assign({ num: n }, args));
}

export function localized(texts) {
  if (texts === null || texts === undefined) return "";
  if (typeof texts === "string") return texts;
  return texts[currentLanguage()] || texts.uz || texts.ru || texts.en || "";
}

export function formatNumber(value, lang) {
  // Not every phone's browser carries Uzbek number formats, so this is done by hand;
  // the separator in Uzbek and Russian is a no-break space.
  const number = Math.round(Number(value) || 0);
  const digits = String(Math.abs(number));
  const separator = (lang || currentLanguage()) === "en" ? "," : "\u00a0";
  let grouped = "";
  for (let i = 0; i < digits.length; i += 1) {
    if (i > 0 && (digits.length - i) % 3 === 0) grouped += separator;
    grouped += digits.charAt(i);
  }
  return (number < 0 ? "-" : "") + grouped;
}

export function setText(el, msgid, args) {
  if (typeof msgid === "function") {
    delete el.dataset.i18n;
    delete el.dataset.i18nArgs;
    makers.set(el, msgid);
    el.dataset.i18nMade = "";
    el.textContent = msgid();
    return el;
  }
  forgetMaker(el);
  el.dataset.i18n = msgid;
  if (args) el.dataset.i18nArgs = JSON.stringify(args);
  else delete el.dataset.i18nArgs;
  el.textContent = t(msgid, args);
  return el;
}

/** setText(el, make) under a name pybabel does not treat as a marker: tn() inside is found. */
export function setCount(el, make) {
  return setText(el, make);
}

function forgetMaker(el) {
  if (el.dataset.i18nMade !== undefined) {
    delete el.dataset.i18nMade;
    makers.delete(el);
  }
}

/** Empty an element set with setText, so a language switch leaves it empty. */
export function clearText(el) {
  el.textContent = "";
  delete el.dataset.i18n;
  delete el.dataset.i18nArgs;
  forgetMaker(el);
  return el;
}

export function setLocalized(el, texts) {
  el.dataset.loc = "";
  remembered.set(el, texts);
  el.textContent = localized(texts);
  return el;
}

const I18N_ATTRIBUTES = [
  ["i18nAriaLabel", "aria-label"],
  ["i18nPlaceholder", "placeholder"],
  ["i18nTitle", "title"],
]; // dataset key -> attribute (written data-i18n-aria-label="msgid" in templates)

export function applyTranslations(root) {
  const scope = root || document;
  scope.querySelectorAll("[data-i18n]").forEach((el) => {
    let args;
    if (el.dataset.i18nArgs) {
      try {
        args = JSON.parse(el.dataset.i18nArgs);
      } catch (error) {
        args = undefined;
      }
    }
    el.textContent = t(el.dataset.i18n, args);
  });
  for (const [key, attribute] of I18N_ATTRIBUTES) {
    scope.querySelectorAll("[data-i18n-" + attribute + "]").forEach((el) => {
      el.setAttribute(attribute, t(el.dataset[key]));
    });
  }
  scope.querySelectorAll("[data-loc]").forEach((el) => {
    if (remembered.has(el)) el.textContent = localized(remembered.get(el));
  });
  scope.querySelectorAll("[data-i18n-made]").forEach((el) => {
    if (makers.has(el)) el.textContent = makers.get(el)();
  });
}

export function onLanguage(listener) {
  i18n.listeners.push(listener);
}

export async function switchLanguage(lang) {
  const code = await loadLanguage(lang);
  document.cookie = "qk_lang=" + code + "; max-age=31536000; path=/; samesite=lax";
  document.documentElement.lang = code;
  document.body.dataset.lang = code;
  const url = new URL(location.href);
  if (url.searchParams.has("lang")) {
    url.searchParams.delete("lang");
    history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  }
  applyTranslations(document);
  document.querySelectorAll(".language-switch a[hreflang]").forEach((link) => {
    const current = link.getAttribute("hreflang") === code;
    link.classList.toggle("current", current);
    if (current) link.setAttribute("aria-current", "true");
    else link.removeAttribute("aria-current");
  });
  i18n.listeners.forEach((listener) => listener(code));
  return code;
}

export function wireLanguageSwitch() {
  // base.html's header texts are rendered server-side without markers: adopt them.
  const nav = document.querySelector(".language-switch");
  const brand = document.querySelector(".topbar .brand");
  const skip = document.querySelector(".skip-link");
  if (nav) nav.dataset.i18nAriaLabel = "Language";
  if (brand && !brand.dataset.i18n) brand.dataset.i18n = "DMED Quiz Kiosk";
  if (skip && !skip.dataset.i18n) skip.dataset.i18n = "Skip to content";
  if (!nav) return;
  nav.addEventListener("click", (event) => {
    const link = event.target.closest("a[hreflang]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    switchLanguage(link.getAttribute("hreflang")).catch(() => {
      location.href = link.href; // catalogue unreachable: fall back to the server-side switch
    });
  });
}
