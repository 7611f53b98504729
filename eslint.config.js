// ESLint flat config for the browser modules in kiosk_ui/static/js and their node tests in
// tests/js. Run: npx eslint (tests/test_javascript.py runs it with the Python suite).
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    // kiosk_ui/translations/*.js only lists msgids for pybabel extract; it never runs.
    ignores: ["node_modules/", ".venv/", "tests/e2e/vendor/", "test-artifacts/", "kiosk_ui/translations/"],
  },
  js.configs.recommended,
  {
    files: ["kiosk_ui/static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser },
    },
  },
  {
    files: ["tests/js/**/*.mjs", "eslint.config.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.node },
    },
  },
  {
    rules: {
      // `catch (error)` is kept for older phone browsers without optional catch binding.
      "no-unused-vars": ["error", { caughtErrors: "none" }],
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "always"],
      "no-implicit-globals": "error",
      "no-restricted-properties": [
        "error",
        { property: "innerHTML", message: "Set text with textContent / h(); HTML is never built from strings." },
        { property: "outerHTML", message: "Set text with textContent / h(); HTML is never built from strings." },
        { property: "insertAdjacentHTML", message: "HTML is never built from strings." },
      ],
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
    },
  },
];
