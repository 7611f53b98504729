"""Questions of every type for engine tests."""

from __future__ import annotations

from quizkiosk.banks.model import (
    AnyQuestion,
    LocalizedText,
    MultiSelect,
    Ordering,
    Poll,
    SingleChoice,
    TrueFalse,
    TypedAnswer,
)
from quizkiosk.engine.quiz import QuizGame
from quizkiosk.engine.settings import GameSettings


def lt(text: str) -> LocalizedText:
    return LocalizedText(uz=f"{text} uz", ru=f"{text} ru", en=f"{text} en")


def opts(n: int, prefix: str = "option") -> list[LocalizedText]:
    return [lt(f"{prefix} {i}") for i in range(n)]


SINGLE = SingleChoice(
    id="single",
    type="single",
    text=lt("single?"),
    options=opts(4),
    correct=2,
    explanation=lt("single because"),
)
MULTI = MultiSelect(
    id="multi",
    type="multi",
    text=lt("multi?"),
    options=opts(4),
    correct=[1, 3],
    explanation=lt("multi because"),
    points=2,
)
TRUE_FALSE = TrueFalse(
    id="tf", type="truefalse", text=lt("tf?"), correct=True, explanation=lt("tf because")
)
ORDER = Ordering(
    id="order",
    type="order",
    text=lt("order?"),
    steps=opts(4, "step"),
    explanation=lt("order because"),
)
TYPED = TypedAnswer(
    id="typed",
    type="typed",
    text=lt("typed?"),
    accepted=["E11.9"],
    explanation=lt("typed because"),
)
POLL = Poll(id="poll", type="poll", text=lt("poll?"), options=opts(3))
EVERY_TYPE: list[AnyQuestion] = [SINGLE, MULTI, TRUE_FALSE, ORDER, TYPED, POLL]


def new_game(
    questions: list[AnyQuestion] | None = None, seed: int = 7, **settings: object
) -> QuizGame:
    chosen = questions if questions is not None else EVERY_TYPE
    return QuizGame([(q, 20) for q in chosen], GameSettings(**settings), seed=seed)  # type: ignore[arg-type]


def right_answer(game: QuizGame) -> object:
    """The right answer to the open question, in display positions."""
    from quizkiosk.engine.views import correct_display_answer

    assert game.current is not None
    answer = correct_display_answer(game.current.played)
    kind = game.current.played.question.type
    if kind == "single":
        assert isinstance(answer, list)
        return answer[0]
    if kind == "typed":
        assert isinstance(answer, list)
        return answer[0]
    if kind == "poll":
        return 0
    return answer


def wrong_answer(game: QuizGame) -> object:
    assert game.current is not None
    kind = game.current.played.question.type
    right = right_answer(game)
    if kind in ("single", "poll"):
        return next(i for i in range(3) if i != right)
    if kind == "multi":
        return [p for p in range(4) if p not in right][:1]  # type: ignore[operator]
    if kind == "truefalse":
        return not right
    if kind == "order":
        assert isinstance(right, list)
        return list(reversed(right))
    return "X00"
