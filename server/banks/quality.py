"""The bank-quality check: what a reviewer looks for beyond a valid bank.

A bank can be valid and still let staff score without knowing the content:
the key is usually option 1, the right answer is the longest one, a false
statement says "never", a question is asked twice, or the same silly option
fills every question.  These checks count such cues and report them as
warnings, never errors; `quizkiosk banks check --quality` prints them and the
console's bank page shows them.

Everything here is pure: it takes loaded banks (and, to give line numbers, a
line map of each file) and returns located warnings.  Each message is a msgid
template with named arguments, so the console can show it in the trainer's
language.  A warning accepted after review with `quality_ok` is still returned,
marked with the reviewer's reason.

The thresholds are named constants below; docs/question-banks.md ("Quality
check") and tests/unit/test_bank_quality.py use the same numbers.

Why one long module: the five checks share one collector of located warnings, one
normalisation of texts and one set of thresholds that the docs quote; each check is a
screenful, and a file per check would scatter the numbers a reviewer compares.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from quizkiosk.banks.model import (
    AnyQuestion,
    Bank,
    LocalizedText,
    MultiSelect,
    SingleChoice,
    TrueFalse,
    TypedAnswer,
)
from quizkiosk.banks.problems import FieldPath, render_path
from quizkiosk.banks.yamlsource import YamlSourceError, parse_yaml
from quizkiosk.engine.normalize import fold_lookalikes, normalize_answer

KEY_POSITION = "key-position"
LONGEST_CORRECT = "longest-correct"
ABSOLUTE_WORD = "absolute-word"
NEAR_DUPLICATE = "near-duplicate"
THROWAWAY_DISTRACTOR = "throwaway-distractor"

# key-position, single choice: checked per option count k once a bank has this
# many single-choice questions (quiz questions and case steps) with k options.
KEY_POSITION_MIN_SINGLE = 6
# ... then no position may be the key more often than
# max(KEY_POSITION_MIN_LIMIT, ceil(KEY_POSITION_SPREAD * n / k)),
KEY_POSITION_SPREAD = 1.5
KEY_POSITION_MIN_LIMIT = 2
# ... and once n >= KEY_POSITION_EVERY_POSITION * k every position must be the key at least once.
KEY_POSITION_EVERY_POSITION = 2
# key-position, multiple select: for each option position present in at least
# this many multi-select questions ...
KEY_POSITION_MIN_MULTI = 4
# ... the position may be right in at most this share of them, and in at least one.
KEY_POSITION_MULTI_SHARE = 0.75

# longest-correct: option lengths are counted in characters, in each language of the
# bank separately (players read one language: a cue in Uzbek is a cue even when the
# English is balanced).
# Single choice: among questions with at least this many options ...
LONGEST_CORRECT_MIN_OPTIONS = 3
# ... counted once a bank has this many of them ...
LONGEST_CORRECT_MIN_QUESTIONS = 6
# ... the number of keys that are strictly the longest option must lie within this many
# standard deviations of what chance gives: a question with k options, one of them the
# longest, has its key the longest with probability p = 1/k (p = 0 when options share the
# longest length), so the count has mean sum(p) and variance sum(p * (1 - p)) (see
# `longest_correct_band`).  1.645 is a one-sided 5 % test
# each way: too many keys the longest is a cue, and so is "never pick the longest".
LENGTH_CUE_Z = 1.645
# Multiple select: once a bank has this many multi-select questions, the pairs of a right
# and a wrong option of the same question are counted (ties left out): the right one may
# be the longer in neither too many nor too few of them, within LENGTH_CUE_Z standard
# deviations of half (the Mann-Whitney variance, see `longer_right_band`).
LONGER_RIGHT_MIN_QUESTIONS = 4

# near-duplicate: difflib ratio of the normalised texts at or above this.
NEAR_DUPLICATE_RATIO = 0.85

# throwaway-distractor: the same wrong option in this many questions or more.
THROWAWAY_MIN_QUESTIONS = 3
# How many other places a message names before it says "…".
_MAX_NAMED_PLACES = 5

# Absolute and cue words that make a true/false statement guessable, per language.
ABSOLUTE_WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        "always",
        "never",
        "simply",
        "anyway",
        "automatically",
        "at once",
        "under no circumstances",
        "any time",
        "no need",
    ),
    "ru": (
        "всегда",
        "никогда",
        "просто",
        "в любом случае",
        "автоматически",
        "сразу",
        "сразу же",
        "всё равно",
        "все равно",
        "ни при каких",
        "не нужно",
    ),
    "uz": (
        "har doim",
        "hamisha",
        "doimo",
        "hech qachon",
        "shunchaki",
        "baribir",
        "avtomatik",
        "darhol",
        "hech qanday holatda",
        "shart emas",
    ),
}


def N_(message: str) -> str:
    """Marks a msgid for `pybabel extract` (kiosk_ui/translations/messages.pot); the bank
    page translates it (quizkiosk.web.i18n.N_ does the same in the web layer)."""
    return message


# Message templates: msgids, translated on the bank page.
MSG_KEY_CROWDED = N_(
    "Option %(position)s is the right answer in %(count)s of %(total)s single-choice "
    "questions with %(options)s options (at most %(limit)s expected). Keys by option: "
    "%(spread)s."
)
MSG_KEY_NEVER = N_(
    "Never the right answer in the %(total)s single-choice questions with %(options)s "
    "options: option %(positions)s. Keys by option: %(spread)s."
)
MSG_MULTI_CROWDED = N_(
    "Option %(position)s is right in %(count)s of the %(total)s multiple-choice questions "
    "that have it (at most %(limit)s expected)."
)
MSG_MULTI_NEVER = N_(
    "Option %(position)s is never right in the %(total)s multiple-choice questions that have it."
)
MSG_LONGEST_RATE = N_(
    "%(language)s: the right answer is the longest option in %(count)s of %(total)s "
    "single-choice questions (at most %(limit)s expected)."
)
MSG_LONGEST_RARE = N_(
    "%(language)s: the right answer is the longest option in only %(count)s of %(total)s "
    "single-choice questions (at least %(limit)s expected), so “never the longest” is a cue."
)
MSG_LONGEST_MULTI = N_("%(languages)s: every right option is longer than every wrong one.")
MSG_MULTI_LONGER = N_(
    "%(language)s: in %(count)s of %(total)s pairs of a right and a wrong option of the same "
    "multiple-choice question the right one is longer (at most %(limit)s expected)."
)
MSG_MULTI_SHORTER = N_(
    "%(language)s: in only %(count)s of %(total)s pairs of a right and a wrong option of the "
    "same multiple-choice question the right one is longer (at least %(limit)s expected), so "
    "the right options are the shorter ones."
)
MSG_ABSOLUTE = N_(
    "The true-or-false statement contains a cue word that gives the answer away: %(words)s."
)
MSG_DUPLICATE_TEXT = N_("Nearly the same question as %(other)s (similarity %(similarity)s).")
MSG_DUPLICATE_TYPED = N_("Accepts the same typed answers as %(others)s.")


@dataclass(frozen=True)
class PluralMsgid:
    """A msgid with its plural form; the `count` argument picks the form."""

    singular: str
    plural: str


def ngettext(singular: str, plural: str) -> PluralMsgid:
    """Marks a msgid and its plural for `pybabel extract` (whose `ngettext` keyword takes the
    first two arguments); the bank page translates it with Jinja2's ngettext and `count`."""
    return PluralMsgid(singular, plural)


MSG_THROWAWAY = ngettext(
    "The wrong option “%(option)s” is a distractor in %(count)s question (also in %(where)s).",
    "The wrong option “%(option)s” is a distractor in %(count)s questions (also in %(where)s).",
)

MESSAGES: tuple[str | PluralMsgid, ...] = (
    MSG_KEY_CROWDED,
    MSG_KEY_NEVER,
    MSG_MULTI_CROWDED,
    MSG_MULTI_NEVER,
    MSG_LONGEST_RATE,
    MSG_LONGEST_RARE,
    MSG_LONGEST_MULTI,
    MSG_MULTI_LONGER,
    MSG_MULTI_SHORTER,
    MSG_ABSOLUTE,
    MSG_DUPLICATE_TEXT,
    MSG_DUPLICATE_TYPED,
    MSG_THROWAWAY,
)

LineOf = Callable[[FieldPath], int | None]
Template = str | PluralMsgid
Params = dict[str, str | int]


def _no_lines(path: FieldPath) -> int | None:
    return None


@dataclass(frozen=True)
class BankSource:
    """A loaded bank with its file name and, if known, where each field is in the file."""

    bank: Bank
    file: str = ""
    line_of: LineOf = _no_lines

    @classmethod
    def from_text(cls, bank: Bank, file: str, text: str) -> BankSource:
        """Locate fields by parsing the text the bank was loaded from."""
        try:
            document = parse_yaml(text)
        except YamlSourceError:
            return cls(bank, file)
        return cls(bank, file, document.line_of)


@dataclass(frozen=True)
class QualityWarning:
    file: str
    line: int | None
    path: FieldPath
    code: str
    # The msgid; with `plural`, its singular form (the `count` argument picks the form).
    template: str
    params: Params
    bank_id: str
    # The question id, "case-id/step-id", or "" for a count over the whole bank.
    subject: str = ""
    # The reviewer's reason when a `quality_ok` entry accepts this warning.
    accepted: str | None = None
    plural: str | None = None

    @property
    def message(self) -> str:
        """The message in English (the msgids are English)."""
        many = self.plural is not None and self.params.get("count") != 1
        template = self.plural if many and self.plural is not None else self.template
        return template % self.params

    @property
    def where(self) -> str:
        return render_path(self.path)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.where}: [{self.code}] {self.message}"


@dataclass(frozen=True)
class _Item:
    """A quiz question or a case step, with where it lives."""

    source: BankSource
    path: FieldPath
    question: AnyQuestion
    subject: str

    @property
    def label(self) -> str:
        return f"{self.bank.id}/{self.subject}"

    @property
    def bank(self) -> Bank:
        return self.source.bank


@dataclass
class _Collector:
    warnings: list[QualityWarning] = field(default_factory=list)

    def bank_warning(
        self, source: BankSource, code: str, template: Template, params: Params
    ) -> None:
        accepted = source.bank.quality_ok.get(code)
        self._add(source, (), "", code, template, params, accepted)

    def item_warning(
        self, item: _Item, path: FieldPath, code: str, template: Template, params: Params
    ) -> None:
        accepted = item.question.quality_ok.get(code)
        if accepted is None and code == THROWAWAY_DISTRACTOR:
            # A repeated distractor can be accepted for the whole bank at once.
            accepted = item.bank.quality_ok.get(code)
        self._add(item.source, path, item.subject, code, template, params, accepted)

    def _add(
        self,
        source: BankSource,
        path: FieldPath,
        subject: str,
        code: str,
        template: Template,
        params: Params,
        accepted: str | None,
    ) -> None:
        plural = template.plural if isinstance(template, PluralMsgid) else None
        singular = template.singular if isinstance(template, PluralMsgid) else template
        self.warnings.append(
            QualityWarning(
                file=source.file,
                line=source.line_of(path),
                path=path,
                code=code,
                template=singular,
                params=params,
                bank_id=source.bank.id,
                subject=subject,
                accepted=accepted,
                plural=plural,
            )
        )


def check_quality(sources: Sequence[BankSource]) -> list[QualityWarning]:
    """Every quality warning of the banks, the accepted ones included (see `accepted`).

    Near-duplicates and repeated distractors are looked for across all the
    banks given, so pass the whole set of banks that are used together.
    """
    collector = _Collector()
    items_by_bank = [(source, list(_items(source))) for source in sources]
    for source, items in items_by_bank:
        _key_positions(source, items, collector)
        _longest_correct(source, items, collector)
        for item in items:
            _absolute_words(item, collector)
    every_item = [item for _, items in items_by_bank for item in items]
    _near_duplicates(every_item, collector)
    _throwaway_distractors(every_item, collector)
    return sorted(collector.warnings, key=lambda w: (w.file, w.line or 0, _path_order(w.path)))


def _path_order(path: FieldPath) -> tuple[tuple[int, int, str], ...]:
    # Without line numbers (the console), list bank-wide counts first, then
    # questions and case steps in the order the page shows them.
    section = {"questions": 0, "cases": 1}
    return tuple(
        (0, part, "") if isinstance(part, int) else (1, section.get(part, 2), part) for part in path
    )


def open_warnings(warnings: Sequence[QualityWarning]) -> list[QualityWarning]:
    """The warnings no `quality_ok` entry accepts."""
    return [w for w in warnings if w.accepted is None]


@dataclass(frozen=True)
class BankQuality:
    """One bank's warnings: those still open and those accepted with `quality_ok`."""

    open: list[QualityWarning]
    accepted: list[QualityWarning]


# The last bank set checked and its warnings.  Loaded banks are immutable, so
# the console can show a bank page again without comparing every pair anew.
_last_checked: tuple[tuple[Bank, ...], list[QualityWarning]] | None = None


def quality_of_bank(banks: Iterable[Bank], bank_id: str) -> BankQuality:
    """The warnings of bank `bank_id`, checked together with all `banks` (no line numbers)."""
    global _last_checked
    checked = tuple(banks)
    if _last_checked is None or not _same_objects(_last_checked[0], checked):
        _last_checked = (checked, check_quality([BankSource(bank) for bank in checked]))
    mine = [w for w in _last_checked[1] if w.bank_id == bank_id]
    return BankQuality(open_warnings(mine), [w for w in mine if w.accepted is not None])


def _same_objects(first: tuple[Bank, ...], second: tuple[Bank, ...]) -> bool:
    return len(first) == len(second) and all(a is b for a, b in zip(first, second, strict=True))


def _items(source: BankSource) -> Iterator[_Item]:
    bank = source.bank
    for index, question in enumerate(bank.questions):
        yield _Item(source, ("questions", index), question, question.id)
    for case_index, case in enumerate(bank.cases):
        for step_index, step in enumerate(case.steps):
            path: FieldPath = ("cases", case_index, "steps", step_index)
            yield _Item(source, path, step, f"{case.id}/{step.id}")


def _text(text: LocalizedText) -> str:
    return text.en if text.en is not None else text.uz


def _option_lengths(options: Sequence[LocalizedText], language: str) -> list[int] | None:
    """The options' lengths in characters in one language; None if an option lacks it."""
    texts = [getattr(option, language) for option in options]
    return [len(text) for text in texts] if all(isinstance(t, str) for t in texts) else None


def _spread(counts: Sequence[int]) -> str:
    return ", ".join(f"{n}: {count}" for n, count in enumerate(counts, start=1))


# ---- key-position ---------------------------------------------------------------------------


def key_position_limit(questions: int, options: int) -> int:
    """The most single-choice keys one position may hold among `questions` with `options` each."""
    return max(KEY_POSITION_MIN_LIMIT, math.ceil(KEY_POSITION_SPREAD * questions / options))


def _key_positions(source: BankSource, items: list[_Item], out: _Collector) -> None:
    by_size: dict[int, list[SingleChoice]] = defaultdict(list)
    multis: list[MultiSelect] = []
    for item in items:
        if isinstance(item.question, SingleChoice):
            by_size[len(item.question.options)].append(item.question)
        elif isinstance(item.question, MultiSelect):
            multis.append(item.question)
    for size, questions in sorted(by_size.items()):
        total = len(questions)
        if total < KEY_POSITION_MIN_SINGLE:
            continue
        counts = [0] * size
        for question in questions:
            assert question.correct is not None
            counts[question.correct - 1] += 1
        limit = key_position_limit(total, size)
        base: Params = {"total": total, "options": size, "spread": _spread(counts)}
        for position, count in enumerate(counts, start=1):
            if count > limit:
                params: Params = {**base, "position": position, "count": count, "limit": limit}
                out.bank_warning(source, KEY_POSITION, MSG_KEY_CROWDED, params)
        never = [str(n) for n, count in enumerate(counts, start=1) if count == 0]
        if never and total >= KEY_POSITION_EVERY_POSITION * size:
            params = {**base, "positions": ", ".join(never)}
            out.bank_warning(source, KEY_POSITION, MSG_KEY_NEVER, params)
    widest = max((len(q.options) for q in multis), default=0)
    for position in range(1, widest + 1):
        having = [q for q in multis if len(q.options) >= position]
        total = len(having)
        if total < KEY_POSITION_MIN_MULTI:
            continue
        count = sum(1 for q in having if position in q.correct)
        limit = math.floor(KEY_POSITION_MULTI_SHARE * total)
        if count > limit:
            params = {"position": position, "count": count, "total": total, "limit": limit}
            out.bank_warning(source, KEY_POSITION, MSG_MULTI_CROWDED, params)
        elif count == 0:
            out.bank_warning(
                source, KEY_POSITION, MSG_MULTI_NEVER, {"position": position, "total": total}
            )


# ---- longest-correct ------------------------------------------------------------------------


def _band(mean: float, variance: float) -> tuple[int, int]:
    """The whole counts within LENGTH_CUE_Z standard deviations of `mean`."""
    spread = LENGTH_CUE_Z * math.sqrt(variance)
    return max(0, math.ceil(mean - spread)), math.floor(mean + spread)


def longest_correct_band(chances: Sequence[float]) -> tuple[int, int]:
    """The fewest and the most keys that may be strictly the longest option before the check
    warns, for single-choice questions whose keys are that long by chance with these
    probabilities (see `_longest_chance`)."""
    return _band(sum(chances), sum(p * (1 - p) for p in chances))


def _longest_chance(lengths: Sequence[int]) -> float:
    """How likely a key at a random position is strictly the longest of these options:
    1/k when one option is the longest, 0 when two or more share the longest length."""
    longest = max(lengths)
    return 1 / len(lengths) if lengths.count(longest) == 1 else 0.0


def longer_right_band(pairs: Sequence[tuple[int, int, int]]) -> tuple[int, int]:
    """The fewest and the most right-longer pairs before the check warns, for multi-select
    questions given as (right options, wrong options, pairs of unequal length).

    Under chance a pair goes either way with probability 1/2; the pairs of one question are
    not independent, so the variance is Mann-Whitney's, r·w·(r + w + 1)/12 for a question
    with r right and w wrong options, scaled to the pairs that are not ties.
    """
    mean = sum(untied for _, _, untied in pairs) / 2
    variance = sum(untied * (right + wrong + 1) / 12 for right, wrong, untied in pairs)
    return _band(mean, variance)


def _longest_correct(source: BankSource, items: list[_Item], out: _Collector) -> None:
    languages = list(source.bank.languages)
    singles = [
        question
        for question in (item.question for item in items)
        if isinstance(question, SingleChoice)
        and len(question.options) >= LONGEST_CORRECT_MIN_OPTIONS
    ]
    multis = [item for item in items if isinstance(item.question, MultiSelect)]
    for language in languages:
        _longest_single(source, singles, language, out)
        _longer_right_pairs(source, multis, language, out)
    for item in multis:
        assert isinstance(item.question, MultiSelect)
        longer = [language for language in languages if _right_all_longer(item.question, language)]
        if longer:
            params: Params = {"languages": ", ".join(longer)}
            out.item_warning(item, item.path, LONGEST_CORRECT, MSG_LONGEST_MULTI, params)


def _longest_single(
    source: BankSource, singles: list[SingleChoice], language: str, out: _Collector
) -> None:
    chances: list[float] = []
    longest = 0
    for question in singles:
        lengths = _option_lengths(question.options, language)
        if lengths is None:
            continue
        assert question.correct is not None
        chances.append(_longest_chance(lengths))
        key = lengths.pop(question.correct - 1)
        longest += key > max(lengths)
    if len(chances) < LONGEST_CORRECT_MIN_QUESTIONS:
        return
    low, high = longest_correct_band(chances)
    base: Params = {"language": language, "count": longest, "total": len(chances)}
    if longest > high:
        out.bank_warning(source, LONGEST_CORRECT, MSG_LONGEST_RATE, {**base, "limit": high})
    elif longest < low:
        out.bank_warning(source, LONGEST_CORRECT, MSG_LONGEST_RARE, {**base, "limit": low})


def _longer_right_pairs(
    source: BankSource, multis: list[_Item], language: str, out: _Collector
) -> None:
    pairs: list[tuple[int, int, int]] = []
    longer = 0
    for item in multis:
        question = item.question
        assert isinstance(question, MultiSelect)
        lengths = _option_lengths(question.options, language)
        if lengths is None:
            continue
        right = [n for i, n in enumerate(lengths) if i in question.correct_indexes]
        wrong = [n for i, n in enumerate(lengths) if i not in question.correct_indexes]
        longer += sum(r > w for r in right for w in wrong)
        untied = sum(r != w for r in right for w in wrong)
        pairs.append((len(right), len(wrong), untied))
    if len(pairs) < LONGER_RIGHT_MIN_QUESTIONS:
        return
    low, high = longer_right_band(pairs)
    total = sum(untied for _, _, untied in pairs)
    base: Params = {"language": language, "count": longer, "total": total}
    if longer > high:
        out.bank_warning(source, LONGEST_CORRECT, MSG_MULTI_LONGER, {**base, "limit": high})
    elif longer < low:
        out.bank_warning(source, LONGEST_CORRECT, MSG_MULTI_SHORTER, {**base, "limit": low})


def _right_all_longer(question: MultiSelect, language: str) -> bool:
    lengths = _option_lengths(question.options, language)
    if lengths is None:
        return False
    right = [n for i, n in enumerate(lengths) if i in question.correct_indexes]
    wrong = [n for i, n in enumerate(lengths) if i not in question.correct_indexes]
    return bool(wrong) and min(right) > max(wrong)


# ---- absolute-word --------------------------------------------------------------------------


def _word_pattern(words: Sequence[str]) -> re.Pattern[str]:
    # Longest first, so "hech qanday holatda" wins over a shorter overlap.
    alternatives = sorted(words, key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, word.split())) for word in alternatives)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


_ABSOLUTE_PATTERNS = {lang: _word_pattern(words) for lang, words in ABSOLUTE_WORDS.items()}


def absolute_words_in(text: str, language: str) -> list[str]:
    """The cue words of `language` found in `text`, as written there."""
    pattern = _ABSOLUTE_PATTERNS.get(language)
    return [m.group(0) for m in pattern.finditer(text)] if pattern else []


def _absolute_words(item: _Item, out: _Collector) -> None:
    if not isinstance(item.question, TrueFalse):
        return
    found: list[str] = []
    first: str | None = None
    for language in ("en", "ru", "uz"):
        text = getattr(item.question.text, language)
        words = absolute_words_in(text, language) if isinstance(text, str) else []
        if words and first is None:
            first = language
        found += [f"“{word}” ({language})" for word in words]
    if first is not None:
        path = (*item.path, "text", first)
        out.item_warning(item, path, ABSOLUTE_WORD, MSG_ABSOLUTE, {"words": ", ".join(found)})


# ---- near-duplicate -------------------------------------------------------------------------

_PUNCTUATION = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Lower-cased, punctuation stripped, spaces collapsed (ʻ is a letter and stays)."""
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", text.casefold())).strip()


def similarity(first: str, second: str) -> float:
    """difflib's ratio of two normalised texts."""
    return difflib.SequenceMatcher(None, first, second).ratio()


@dataclass(frozen=True)
class _Normalised:
    text: str
    letters: Counter[str]

    @classmethod
    def of(cls, text: str | None) -> _Normalised | None:
        if text is None or not (normalised := normalise_text(text)):
            return None
        return cls(normalised, Counter(normalised))


def _may_be_similar(a: _Normalised, b: _Normalised) -> bool:
    """False when difflib's ratio cannot reach the threshold (its cheap upper bounds)."""
    total = len(a.text) + len(b.text)
    # real_quick_ratio: only the shorter text can match.
    if 2 * min(len(a.text), len(b.text)) < NEAR_DUPLICATE_RATIO * total:
        return False
    # quick_ratio: only letters both texts have can match.
    common = sum((a.letters & b.letters).values())
    return 2 * common >= NEAR_DUPLICATE_RATIO * total


def _near_duplicates(items: list[_Item], out: _Collector) -> None:
    # Every pair of texts is compared, so the cheap bound filters first and
    # difflib's exact ratio runs only for the few pairs that may reach it.
    english = [_Normalised.of(item.question.text.en) for item in items]
    uzbek = [_Normalised.of(item.question.text.uz) for item in items]
    for j, second in enumerate(items):
        for i in range(j):
            first = items[i]
            # Compare like with like: English when both have it, else Uzbek.
            en_a, en_b = english[i], english[j]
            a, b = (en_a, en_b) if en_a and en_b else (uzbek[i], uzbek[j])
            if a is None or b is None or not _may_be_similar(a, b):
                continue
            ratio = similarity(a.text, b.text)
            if ratio >= NEAR_DUPLICATE_RATIO:
                shown = f"{ratio:.2f}"
                for item, other in ((first, second), (second, first)):
                    params: Params = {"other": other.label, "similarity": shown}
                    path = (*item.path, "text")
                    out.item_warning(item, path, NEAR_DUPLICATE, MSG_DUPLICATE_TEXT, params)
    by_answers: dict[frozenset[str], list[_Item]] = defaultdict(list)
    for item in items:
        if isinstance(item.question, TypedAnswer):
            answers = frozenset(
                fold_lookalikes(normalize_answer(a)) for a in item.question.accepted
            )
            by_answers[answers].append(item)
    for group in by_answers.values():
        for item in group:
            others = [other.label for other in group if other is not item]
            if others:
                params = {"others": _named(others)}
                path = (*item.path, "accepted")
                out.item_warning(item, path, NEAR_DUPLICATE, MSG_DUPLICATE_TYPED, params)


def _named(labels: list[str]) -> str:
    """The first few places, then "…"."""
    shown = labels[:_MAX_NAMED_PLACES] + (["…"] if len(labels) > _MAX_NAMED_PLACES else [])
    return ", ".join(shown)


# ---- throwaway-distractor -------------------------------------------------------------------


def _throwaway_distractors(items: list[_Item], out: _Collector) -> None:
    uses: dict[str, list[tuple[_Item, int, str]]] = defaultdict(list)
    for item in items:
        question = item.question
        if not isinstance(question, SingleChoice | MultiSelect):
            continue
        seen: set[str] = set()
        for index, option in enumerate(question.options):
            if index in question.correct_indexes:
                continue
            shown = _text(option)
            key = normalise_text(shown)
            if key and key not in seen:
                seen.add(key)
                uses[key].append((item, index, shown))
    for places in uses.values():
        if len(places) < THROWAWAY_MIN_QUESTIONS:
            continue
        for item, index, shown in places:
            others = [other.label for other, _, _ in places if other is not item]
            params: Params = {"option": shown, "count": len(places), "where": _named(others)}
            path = (*item.path, "options", index)
            out.item_warning(item, path, THROWAWAY_DISTRACTOR, MSG_THROWAWAY, params)
