"""`quizkiosk banks ...` as a trainer runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
from quizkiosk.banks.loader import BUNDLED_BANKS_DIR


def quizkiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quizkiosk.cli", *args], capture_output=True, text=True, check=False
    )


def test_check_of_the_bundled_banks_passes() -> None:
    result = quizkiosk("banks", "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("0 errors, 0 warnings")


def test_check_reports_each_problem_located_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\ntitle: T\ndescription: D\nsource: s\nquestions:\n"
        "  - id: q1\n    type: singel\n    text: Savol\n",
        encoding="utf-8",
    )
    result = quizkiosk("banks", "check", str(bad))
    assert result.returncode == 1
    assert f"{bad}:7: questions[1].type: unknown question type 'singel'" in result.stderr
    assert "1 files checked: 1 errors, 0 warnings" in result.stdout


def test_list_shows_id_title_languages_counts_and_status() -> None:
    result = quizkiosk("banks", "list")
    assert result.returncode == 0
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["ID", "TITLE", "LANGUAGES", "QUESTIONS", "CASES", "STATUS"]
    assert len(rows) == len(list(BUNDLED_BANKS_DIR.glob("*.yaml")))
    icd = next(r for r in rows if r.startswith("icd10-coding"))
    assert "uz,ru,en" in icd and icd.rstrip().endswith("sample")


def test_template_import_and_export_through_the_command_line(tmp_path: Path) -> None:
    template = tmp_path / "template.xlsx"
    assert quizkiosk("banks", "template", "-o", str(template)).returncode == 0
    exported = tmp_path / "icd.xlsx"
    assert quizkiosk("banks", "export", "icd10-coding", "-o", str(exported)).returncode == 0
    out = tmp_path / "icd.yaml"
    imported = quizkiosk("banks", "import", str(exported), "-o", str(out))
    assert imported.returncode == 0, imported.stderr
    check = quizkiosk("banks", "check", str(out))
    assert check.returncode == 0, check.stderr


def test_a_failed_import_leaves_nothing_behind(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Kahoot quiz template"])
    sheet.append(
        [
            None,
            "Question - max 120 characters",
            "Answer 1 - max 75 characters",
            "Answer 2 - max 75 characters",
            "Answer 3 - max 75 characters",
            "Answer 4 - max 75 characters",
            "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
            "Correct answer(s) - choose at least one",
        ]
    )
    sheet.append([1, "Savol?", "Ha", "Yoʻq", None, None, 20, 5])
    source = tmp_path / "kahoot.xlsx"
    workbook.save(source)
    out = tmp_path / "out.yaml"
    result = quizkiosk("banks", "import", str(source), "-o", str(out))
    assert result.returncode == 1
    assert "kahoot.xlsx[Sheet]:3:" in result.stderr
    assert "was not written" in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]


def test_export_of_an_unknown_bank_names_the_known_ones(tmp_path: Path) -> None:
    result = quizkiosk("banks", "export", "nope", "-o", str(tmp_path / "x.xlsx"))
    assert result.returncode == 1
    assert "no bank with id 'nope'" in result.stderr and "icd10-coding" in result.stderr
