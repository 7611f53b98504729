"""A session's results as CSV (every answer) and XLSX (one sheet per view).

Column headers come out in the trainer's language: the caller passes a `gettext`
for it. XLSX sheets: Overview, Questions (hardest first, with item analysis),
Participants, Answers (every answer; a race: every attempt).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from openpyxl import Workbook
from quizkiosk.archive.records import GameResults
from quizkiosk.reports.session import SessionReport

Gettext = Callable[[str], str]
Row = list[object]


def N_(message: str) -> str:
    """Marks a msgid for extraction; translated later with the trainer's language."""
    return message


ANSWER_HEADERS = (
    N_("Participant"),
    N_("Staff ID"),
    N_("Department"),
    N_("Question"),
    N_("Question ID"),
    N_("Attempt"),
    N_("Answer (bank terms)"),
    N_("Right"),
    N_("Time (ms)"),
    N_("Points"),
)
QUESTION_HEADERS = (
    N_("Question"),
    N_("Question ID"),
    N_("Kind"),
    N_("Answered"),
    N_("Right"),
    N_("Right (per cent)"),
    N_("Mean time (ms)"),
    N_("Facility index (per cent)"),
    N_("Discrimination index (per cent)"),
    N_("Discriminative efficiency (per cent)"),
    N_("Needs review"),
)
PARTICIPANT_HEADERS = (
    N_("Rank"),
    N_("Participant"),
    N_("Staff ID"),
    N_("Department"),
    N_("Score"),
    N_("Answered"),
    N_("Right"),
    N_("Accuracy (per cent)"),
)
SHEETS = (N_("Overview"), N_("Questions"), N_("Participants"), N_("Answers"))


def _yes_no(value: bool | None, gettext: Gettext) -> str:
    if value is None:
        return ""
    return gettext(N_("yes")) if value else gettext(N_("no"))


def _round(value: float | None) -> float | str:
    return "" if value is None else round(value, 1)


def answer_rows(results: GameResults, gettext: Gettext) -> list[Row]:
    """Every answer (or, in a race, every attempt), one per row, with a header row."""
    people = {p.player_id: p for p in results.participants}
    rows: list[Row] = [[gettext(h) for h in ANSWER_HEADERS]]
    for a in results.answers:
        person = people.get(a.player_id)
        rows.append(
            [
                person.name if person else a.player_id,
                (person.staff_id or "") if person else "",
                (person.department or "") if person else "",
                a.question_index + 1,
                a.question_id,
                1,
                _plain(a.answer),
                _yes_no(a.correct, gettext),
                a.response_ms,
                a.points,
            ]
        )
    for t in results.attempts:
        person = people.get(t.player_id)
        rows.append(
            [
                person.name if person else t.player_id,
                (person.staff_id or "") if person else "",
                (person.department or "") if person else "",
                t.step_index + 1,
                t.step_id,
                t.attempt,
                _plain(t.answer),
                _yes_no(t.correct, gettext),
                t.race_ms,
                "",
            ]
        )
    return rows


def _plain(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def question_rows(report: SessionReport, language: str, gettext: Gettext) -> list[Row]:
    rows: list[Row] = [[gettext(h) for h in QUESTION_HEADERS]]
    for q in report.questions:
        stats = q.statistics
        rows.append(
            [
                q.text.get(language) or q.text.get("uz") or q.question_id,
                q.question_id,
                q.kind,
                q.answered,
                q.correct,
                _round(q.percent_correct),
                _round(q.mean_response_ms),
                _round(stats.facility if stats else None),
                _round(stats.discrimination if stats else None),
                _round(stats.discriminative_efficiency if stats else None),
                ", ".join(stats.flags) if stats else "",
            ]
        )
    return rows


def participant_rows(report: SessionReport, gettext: Gettext) -> list[Row]:
    rows: list[Row] = [[gettext(h) for h in PARTICIPANT_HEADERS]]
    for p in report.participants:
        rows.append(
            [
                p.rank or "",
                p.name,
                p.staff_id or "",
                p.department or "",
                p.score,
                p.answered,
                p.correct,
                _round(p.accuracy),
            ]
        )
    return rows


def overview_rows(report: SessionReport, gettext: Gettext) -> list[Row]:
    return [
        [gettext(N_("Session")), report.game_id],
        [gettext(N_("Mode")), report.mode],
        [gettext(N_("Bank")), report.bank_id],
        [gettext(N_("Trainer")), report.trainer],
        [gettext(N_("Participants")), len(report.participants)],
        [gettext(N_("Mean accuracy (per cent)")), _round(report.mean_accuracy)],
        [gettext(N_("Internal consistency (per cent)")), _round(report.internal_consistency)],
    ]


def csv_text(rows: Sequence[Row]) -> str:
    """CSV with a BOM, so Excel on a Windows laptop opens Cyrillic and ʻ correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()


def xlsx_bytes(
    report: SessionReport, results: GameResults, language: str, gettext: Gettext
) -> bytes:
    book = Workbook()
    sheets = [
        overview_rows(report, gettext),
        question_rows(report, language, gettext),
        participant_rows(report, gettext),
        answer_rows(results, gettext),
    ]
    first = book.active
    assert first is not None
    for number, (title, rows) in enumerate(zip(SHEETS, sheets, strict=True)):
        sheet = first if number == 0 else book.create_sheet()
        sheet.title = gettext(title)[:31]  # Excel's limit for sheet names
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
