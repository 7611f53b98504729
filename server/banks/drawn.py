"""A drawn set of questions (a refresher) as a bank a quiz game can be played from.

A game is always built from one bank (`quizkiosk.engine.modes.build_game` asks the
bank's questions in order). A refresher asks a few questions drawn from one or more
banks, so it is played from a *drawn bank*: the drawn questions, in the drawn order.

- Drawn from one bank, it is that bank with only those questions: the game keeps
  the real bank id and question ids, so reports and roll-ups need nothing special.
- Drawn from several banks, question ids could clash, so each is qualified with its
  bank (`"sick-leave:q3"`; a bank id never contains `:`), and the bank id is the
  banks' ids joined with `+`. `source_question` turns such a pair back into the
  bank's own.

The drawn bank is rebuilt from the catalogue and the recorded picks whenever it is
needed again (a restart's replay, a report); its content hash covers only what the
game asks, so an edit elsewhere in a bank does not stop a refresher's replay.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from quizkiosk.banks.model import Bank, LocalizedText

QUALIFIER = ":"  # between a bank id and a question id in a drawn bank of several banks
JOINER = "+"  # between the bank ids in the id of a drawn bank of several banks

Pick = tuple[str, str]  # (bank id, question id) in the bank's own terms


class DrawnQuestionMissing(LookupError):
    """A recorded pick names a bank or question that is no longer loaded."""


def drawn_bank(banks: Mapping[str, Bank], picks: Sequence[Pick]) -> Bank:
    """The bank a refresher of `picks` is played from (see the module's notes)."""
    if not picks:
        raise ValueError("a drawn set needs at least one question")
    sources: dict[str, Bank] = {}
    for bank_id, _ in picks:
        bank = banks.get(bank_id)
        if bank is None:
            raise DrawnQuestionMissing(f"bank {bank_id!r} is not loaded")
        sources[bank_id] = bank
    try:
        if len(sources) == 1:
            (bank,) = sources.values()
            return bank.model_copy(
                update={"questions": [bank.question(q) for _, q in picks], "cases": []}
            )
        return _combined(list(sources.values()), picks)
    except KeyError as error:
        raise DrawnQuestionMissing(f"question {error.args[0]!r} is no longer in its bank") from None


def _combined(sources: list[Bank], picks: Sequence[Pick]) -> Bank:
    by_id = {bank.id: bank for bank in sources}
    questions = []
    for bank_id, question_id in picks:
        bank = by_id[bank_id]
        question = bank.question(question_id)
        # The time and topics the question has in its own bank travel with it.
        questions.append(
            question.model_copy(
                update={
                    "id": f"{bank_id}{QUALIFIER}{question_id}",
                    "time": bank.time_for(question),
                    "tags": list(question.tags or bank.tags),
                }
            )
        )
    sources = sorted(sources, key=lambda b: b.id)
    first = sources[0]
    languages = [lang for lang in first.languages if all(lang in b.languages for b in sources)]
    return first.model_copy(
        update={
            "id": JOINER.join(bank.id for bank in sources),
            "title": _joined([bank.title for bank in sources]),
            "description": _joined([bank.description for bank in sources]),
            "tags": list(dict.fromkeys(tag for bank in sources for tag in bank.tags)),
            "languages": languages,
            "questions": questions,
            "cases": [],
        }
    )


def _joined(texts: list[LocalizedText]) -> LocalizedText:
    return LocalizedText(
        uz=" + ".join(t.uz for t in texts),
        ru=" + ".join(t.get("ru") for t in texts),
        en=" + ".join(t.get("en") for t in texts),
    )


def source_question(bank_id: str, question_id: str) -> Pick:
    """(bank id, question id) as the question's own bank knows them."""
    if QUALIFIER in question_id:
        source, _, own = question_id.partition(QUALIFIER)
        return source, own
    return bank_id, question_id


def recorded_picks(draw: Mapping[str, object]) -> list[Pick]:
    """The picks a game record's `draw` holds, as pairs."""
    raw = draw.get("questions")
    if not isinstance(raw, list):
        raise DrawnQuestionMissing("the recorded draw has no questions")
    picks: list[Pick] = []
    for item in raw:
        if not (isinstance(item, list | tuple) and len(item) == 2):
            raise DrawnQuestionMissing(f"a recorded pick is not [bank, question]: {item!r}")
        picks.append((str(item[0]), str(item[1])))
    return picks


def bank_of_game(
    banks: Mapping[str, Bank], bank_id: str, draw: Mapping[str, object] | None
) -> Bank | None:
    """The bank a game was played from (a drawn bank for a refresher), for its report;
    None if it is no longer loaded."""
    if draw is None:
        return banks.get(bank_id)
    try:
        return drawn_bank(banks, recorded_picks(draw))
    except DrawnQuestionMissing:
        return banks.get(bank_id)
