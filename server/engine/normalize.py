"""Normalisation of typed answers, so that the same answer typed differently matches.

Staff type on phones with Uzbek, Russian or English keyboards: `oʻ` arrives as
o', o`, o‘ or Cyrillic ў; ICD-10 codes arrive as `e11,9` or `Е11.9` with a
Cyrillic Е.  See docs/question-banks.md (Typed answer) for the rules.
"""

from __future__ import annotations

import re
import unicodedata

# Marks people use for the Uzbek modifier letter ʻ (U+02BB) and the tutuq belgisi ʼ.
APOSTROPHES = "'`ʻʼ‘’´ʹ′‛"
_UZBEK_CYRILLIC = str.maketrans({"ў": "oʻ", "ғ": "gʻ"})
# oʻ and gʻ are letters of their own; keep them as single letters that survive
# the removal of punctuation.
_MODIFIED_LETTER = re.compile(f"([og])[{re.escape(APOSTROPHES)}]")
_MODIFIED = {"o": "ŏ", "g": "ğ"}
# Cyrillic letters that look like Latin ones, for answers (codes) written in Latin.
_CYRILLIC_LOOKALIKES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
    }
)


def normalize_answer(text: str) -> str:
    """The comparison form of a typed answer: letters and digits only, case-folded."""
    folded = text.casefold().translate(_UZBEK_CYRILLIC)
    # Join oʻ/gʻ before NFKC, which would split the acute accent ´ into a space and a mark.
    joined = _MODIFIED_LETTER.sub(lambda match: _MODIFIED[match.group(1)], folded)
    joined = unicodedata.normalize("NFKC", joined).casefold()
    # ʻ and ʼ are Unicode letters (Lm), so drop the remaining apostrophes by name.
    return "".join(char for char in joined if char.isalnum() and char not in APOSTROPHES)


def is_latin_only(text: str) -> bool:
    return all(not char.isalpha() or "LATIN" in unicodedata.name(char, "") for char in text)


def fold_lookalikes(normalized: str) -> str:
    """Read Cyrillic look-alike letters as Latin (only for Latin-script answers)."""
    return normalized.translate(_CYRILLIC_LOOKALIKES)


def typed_answer_matches(answer: str, accepted: list[str]) -> bool:
    given = normalize_answer(answer)
    if not given:
        return False
    for variant in accepted:
        wanted = normalize_answer(variant)
        if given == wanted:
            return True
        if is_latin_only(wanted) and fold_lookalikes(given) == wanted:
            return True
    return False
