/**
 * plural.js: the right form of a text with a count ("1 player", "18 players"; in Russian
 * "1 участник", "3 участника", "18 участников"), from the catalogue of GET /i18n/<lang>.json:
 *
 *   { "<msgid>": "<text>", ...,                                  what t() reads
 *     "__plurals__": { "<singular msgid>": ["<form 0>", "<form 1>", ...] },
 *     "__plural_rule__": "ru" }                                  which rule picks the form
 *
 *   pluralIndex("ru", 22)                                            -> 1
 *   pluralForm(catalog, "%(num)s player", "%(num)s players", 22)     -> "%(num)s участника"
 *
 * A message the catalogue lacks (or no catalogue) gives the English source texts: the
 * singular for 1, else the plural. i18n.js builds tn() on this, formatting the form with
 * {num: n, ...args} (args.num may replace n's text, e.g. by formatNumber(n)):
 *
 *   export function tn(singular, plural, n, args) {
 *     return format(pluralForm(i18n.catalog, singular, plural, n), { num: n, ...args });
 *   }
 *
 * Pure: nothing here touches the page, so it runs under node as well.
 */

export const PLURALS_KEY = "__plurals__";
export const PLURAL_RULE_KEY = "__plural_rule__";

// The Plural-Forms headers of kiosk_ui/translations/<lang>/LC_MESSAGES/messages.po, written
// out (tests/unit/test_translations.py checks that they give the same form for every n).
export const PLURAL_RULES = {
  // Uzbek: nplurals=2; plural=(n != 1). Nouns after a number stay singular, so the two
  // forms are usually the same text; the catalogue still has both.
  uz: (n) => (n !== 1 ? 1 : 0),
  // Russian: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 :
  //   n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)
  ru: (n) => {
    if (n % 10 === 1 && n % 100 !== 11) return 0;
    if (n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20)) return 1;
    return 2;
  },
  // English: nplurals=2; plural=(n != 1)
  en: (n) => (n !== 1 ? 1 : 0),
};

const own = (object, key) =>
  object !== null && typeof object === "object" && Object.prototype.hasOwnProperty.call(object, key);

/** The index of the plural form for n in a language (gettext counts: whole, not negative). */
export function pluralIndex(lang, n) {
  const rule = own(PLURAL_RULES, lang) ? PLURAL_RULES[lang] : PLURAL_RULES.en;
  return rule(Math.abs(Math.trunc(Number(n))));
}

/** The text (not yet formatted) for n: the catalogue's form, else the English source. */
export function pluralForm(catalog, singular, plural, n) {
  const plurals = own(catalog, PLURALS_KEY) ? catalog[PLURALS_KEY] : null;
  const forms = own(plurals, singular) ? plurals[singular] : null;
  if (Array.isArray(forms) && own(PLURAL_RULES, catalog[PLURAL_RULE_KEY])) {
    const form = forms[pluralIndex(catalog[PLURAL_RULE_KEY], n)];
    if (typeof form === "string" && form !== "") return form;
  }
  return pluralIndex("en", n) === 0 ? singular : plural;
}
