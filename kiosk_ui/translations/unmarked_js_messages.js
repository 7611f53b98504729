// Msgids the JavaScript uses without t(), setText(), tn() or N_() around them: error-code
// tables, h(tag, {i18n: msgid}) properties, returned hint texts, ternaries. `pybabel extract`
// (babel.cfg) reads this file, which never runs, so that such texts stay in messages.pot.
// The way out: mark each text where the JavaScript defines it with N_("msgid") (an
// identity function in i18n.js; babel.cfg's keywords include it) and delete its line here;
// a count with a noun is shown with tn(singular, plural, n, args) (setCount() on an element).
// tests/unit/test_translations.py fails for a line that a module marks itself, or that no
// module uses any more.
//
// Every module marks its texts itself now: nothing is listed here. Keep it that way.
