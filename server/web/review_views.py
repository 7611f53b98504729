"""What the review pages show, in the visitor's language: the reports of
quizkiosk.reports turned into rows, labels and charts for the templates.

No rule about who may see what lives here (that is `trainer_common`), and nothing is
computed that the reports or the JSON API would compute differently: the figures are
the same numbers, only rounded for reading.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup
from quizkiosk.archive.topic_totals import UNTAGGED
from quizkiosk.reports.history import StaffHistory
from quizkiosk.reports.race import StepReport
from quizkiosk.reports.session import ChoiceCount, QuestionReport, SessionReport
from quizkiosk.reports.staff import HeatCell, RefresherNeed
from quizkiosk.web.charts import Bar, Series, bar_chart, line_chart
from quizkiosk.web.i18n import N_

Gettext = Callable[[str], str]
MAX_TOPIC_LINES = 6  # more lines than this make the chart unreadable; the table has all

FLAG_LABELS = {
    "too_hard": N_("Too hard"),
    "too_easy": N_("Too easy"),
    "weak_discrimination": N_("Does not discriminate"),
}
# Questions whose bank gives them no topic tag are rolled up under this id
# (quizkiosk.reports.staff.topic_map); pages show these words instead.
NO_TOPIC = N_("No topic tag")
PARAMETER_LABELS = {
    "from": N_("From"),
    "to": N_("To"),
    "page": N_("Page"),
    "per_page": N_("Per page"),
    "threshold": N_("Threshold"),
    "min_answers": N_("Fewest answers"),
    "mode": N_("Mode"),
}


def pick(texts: dict[str, str], lang: str) -> str:
    """A bank text in the visitor's language, else Uzbek, else whatever there is."""
    return texts.get(lang) or texts.get("uz") or next(iter(texts.values()), "")


def when(timestamp: float | None) -> str:
    """Unix seconds as the server's local date and time, e.g. 2026-11-30 14:05."""
    if timestamp is None:
        return "—"
    return datetime.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def day_of(timestamp: float) -> str:
    return datetime.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d")


def percent(value: float | None) -> str:
    # A no-break space: "45 %" never splits over two lines.
    return "—" if value is None else f"{value:.0f}\u00a0%"


def seconds(ms: float | None) -> str:
    return "—" if ms is None else f"{ms / 1000:.1f}\u00a0s"


def band(value: float | None) -> str:
    """Wayground-style accuracy bands (quizkiosk.reports.analysis.accuracy_band)."""
    if value is None:
        return "none"
    return "low" if value < 40 else "fair" if value < 70 else "good" if value < 90 else "excellent"


# ---- session report ------------------------------------------------------------------------


def _choice_label(choice: ChoiceCount, lang: str, gettext: Gettext) -> str:
    if set(choice.label) == {"en"} and choice.label["en"] in ("right order", "another order"):
        return gettext(
            N_("Right order") if choice.label["en"] == "right order" else N_("Another order")
        )
    return pick(choice.label, lang)


@dataclass(frozen=True)
class ChoiceView:
    label: str
    count: int
    share: str  # of those who answered, as text
    share_value: float  # the same, 0..100, for the meter
    correct: bool
    most_chosen_wrong: bool


def choice_views(question: QuestionReport, lang: str, gettext: Gettext) -> list[ChoiceView]:
    # A poll has no wrong answer, so no misconception either.
    scored = question.percent_correct is not None
    wrong = [c for c in question.choices if scored and not c.correct and c.count]
    top_wrong = max((c.count for c in wrong), default=0)
    total = question.answered
    return [
        ChoiceView(
            label=_choice_label(c, lang, gettext),
            count=c.count,
            share=percent(100.0 * c.count / total if total else None),
            share_value=100.0 * c.count / total if total else 0.0,
            correct=c.correct,
            most_chosen_wrong=bool(top_wrong) and not c.correct and c.count == top_wrong,
        )
        for c in question.choices
    ]


def answer_text(
    answer: object, question: QuestionReport | None, lang: str, gettext: Gettext
) -> str:
    """An answer in bank terms as the trainer reads it: the options' texts, not indexes."""
    if answer is None:
        return "—"
    if isinstance(answer, bool):
        return gettext(N_("True") if answer else N_("False"))
    labels = [pick(c.label, lang) for c in question.choices] if question else []
    if question is not None and question.kind == "order" and isinstance(answer, list):
        # The steps in the order the person put them, numbered as in the bank (1 = first).
        return " → ".join(str(a + 1) if isinstance(a, int) else str(a) for a in answer)
    if question is not None and question.kind in ("single", "multi", "poll") and labels:
        picked = answer if isinstance(answer, list) else [answer]
        return "; ".join(
            labels[p] if isinstance(p, int) and 0 <= p < len(labels) else str(p) for p in picked
        )
    return str(answer)


def question_chart(report: SessionReport, lang: str, gettext: Gettext) -> Markup:
    bars = [
        Bar(
            label=f"{q.index + 1}. {pick(q.text, lang)}",
            value=q.percent_correct,
            text=percent(q.percent_correct),
        )
        for q in report.questions
        if q.percent_correct is not None
    ]
    return bar_chart(
        gettext(N_("Right answers per question, hardest first")),
        gettext(N_("For each question, the share of participants who answered it right.")),
        bars,
        chart_id="question-chart",
    )


def step_chart(steps: Iterable[StepReport], lang: str, gettext: Gettext) -> Markup:
    bars = [
        Bar(
            label=f"{s.index + 1}. {pick(s.text, lang)}",
            value=s.percent_first_try,
            text=percent(s.percent_first_try),
        )
        for s in steps
    ]
    return bar_chart(
        gettext(N_("Right the first time per step, hardest first")),
        gettext(
            N_("For each case step, the share of racers who answered it right the first time.")
        ),
        bars,
        chart_id="step-chart",
    )


# ---- staff record ---------------------------------------------------------------------------


def session_labels(history: StaffHistory) -> list[str]:
    """Each session's date, with its time where two sessions fall on the same day."""
    days = [day_of(point.at) for point in history.sessions]
    return [
        f"{day} {datetime.datetime.fromtimestamp(point.at):%H:%M}" if days.count(day) > 1 else day
        for day, point in zip(days, history.sessions, strict=True)
    ]


def topic_label(topic: str, gettext: Gettext) -> str:
    """A topic as the trainer reads it: the banks' tag, or words for "no tag at all"."""
    return gettext(NO_TOPIC) if topic == UNTAGGED else topic


def history_chart(
    history: StaffHistory, weakest: Sequence[str], threshold: float, gettext: Gettext
) -> Markup:
    """Accuracy per topic, session by session, for the weakest topics."""
    index = {point.game_id: i for i, point in enumerate(history.sessions)}
    series = [
        Series(
            topic_label(topic, gettext),
            [(index[p.game_id], p.accuracy) for p in history.topics[topic]],
        )
        for topic in weakest[:MAX_TOPIC_LINES]
        if topic in history.topics
    ]
    return line_chart(
        gettext(N_("Accuracy per topic, session by session")),
        gettext(
            N_(
                "One line per topic: the share of this person's answers on the topic that"
                " were right in each session. The dashed line is the refresher threshold."
            )
        ),
        session_labels(history),
        series,
        threshold=threshold,
        threshold_label=percent(threshold),
        chart_id="history-chart",
    )


# ---- refreshers and heat map -----------------------------------------------------------------


@dataclass(frozen=True)
class RefresherGroup:
    department: str
    topic: str
    people: list[RefresherNeed]


def refresher_groups(needs: Iterable[RefresherNeed]) -> dict[str, list[RefresherGroup]]:
    """Department → one group per topic (weakest topic first), each with its people."""
    grouped: dict[str, dict[str, list[RefresherNeed]]] = {}
    for need in needs:
        grouped.setdefault(need.department, {}).setdefault(need.topic, []).append(need)
    return {
        department: sorted(
            (RefresherGroup(department, topic, people) for topic, people in topics.items()),
            key=lambda g: (min(p.accuracy for p in g.people), g.topic),
        )
        for department, topics in sorted(grouped.items())
    }


@dataclass(frozen=True)
class HeatGrid:
    departments: list[str]
    topics: list[str]
    cells: dict[tuple[str, str], HeatCell]


def heat_grid(cells: Iterable[HeatCell]) -> HeatGrid:
    found = {(c.department, c.topic): c for c in cells}
    return HeatGrid(
        departments=sorted({d for d, _ in found}),
        topics=sorted({t for _, t in found}),
        cells=found,
    )
