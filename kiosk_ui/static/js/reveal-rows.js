/**
 * reveal-rows.js: the rows of the projector's reveal chart, as data (pure; node's tests run it).
 *
 *   chartRows(reveal, question) -> [{index, letter, label, count, correct, plain?}]
 *     single / multi / poll: one row per option (its text, else "Option A");
 *     truefalse: True and False; order and typed: "right" and "other" (plain rows, no option mark)
 *   rightAnswerText(reveal, question) -> "B Paracetamol, D …" for the announcement ("" if none)
 */

import { OPTION_LETTERS } from "./glyphs.js";
import { localized, t } from "./i18n.js";

export function chartRows(reveal, question) {
  const counts = reveal.distribution || [];
  const choices = question && Array.isArray(question.choices) ? question.choices : null;
  switch (reveal.kind) {
    case "single":
    case "multi":
    case "poll": {
      const right = Array.isArray(reveal.correct) ? reveal.correct : [];
      return counts.map((count, i) => ({
        index: i,
        letter: OPTION_LETTERS[i],
        label: choices && choices[i] ? localized(choices[i]) : t("Option %(letter)s", { letter: OPTION_LETTERS[i] }),
        count,
        correct: right.includes(i),
      }));
    }
    case "truefalse":
      return [
        { index: 0, letter: "A", label: t("True"), count: counts[0] || 0, correct: reveal.correct === true },
        { index: 1, letter: "B", label: t("False"), count: counts[1] || 0, correct: reveal.correct === false },
      ];
    default: // order and typed: right or not
      return [
        { index: 3, letter: "", label: reveal.kind === "order" ? t("Right order") : t("Right answer"), count: counts[0] || 0, correct: true, plain: true },
        { index: 0, letter: "", label: reveal.kind === "order" ? t("Another order") : t("Other answers"), count: counts[1] || 0, correct: false, plain: true },
      ];
  }
}

export function rightAnswerText(reveal, question) {
  return chartRows(reveal, question)
    .filter((row) => row.correct)
    .map((row) => `${row.letter || ""} ${row.label}`.trim())
    .join(", ");
}
