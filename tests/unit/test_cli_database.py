"""`--database` on every command that touches data, on both backends, and a clear error
(exit status 2, no traceback, no password) when the database cannot be used."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from quizkiosk.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_trainers_and_export_use_the_database_named(
    archive_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = ("--data-dir", str(tmp_path / "data"))
    monkeypatch.setattr("sys.stdin", io.StringIO("nurse-pass-1\n"))
    db = ("--database", archive_url)

    added = run(capsys, "trainers", "add", "nurse", "--admin", "--password-stdin", *db, *data)
    token = run(capsys, "trainers", "token", "nurse", *db, *data)
    listed = run(capsys, "trainers", "list", *db, *data)
    missing = run(capsys, "export", "nope", "-o", str(tmp_path / "x.csv"), *db, *data)

    assert added[:2] == (0, "created admin 'nurse'\n")
    assert token[0] == 0 and len(token[1].strip()) >= 32
    assert listed[0] == 0 and listed[1].startswith("nurse\tadmin")
    assert missing[0] == 1 and "no session 'nope'" in missing[1]
    # The same database from the environment, without the option.
    monkeypatch.setenv("QUIZKIOSK_DATABASE", archive_url)
    again = run(capsys, "trainers", "list", *data)
    assert again[0] == 0 and again[1].startswith("nurse\tadmin")
    if archive_url.startswith("postgresql:"):
        assert not list((tmp_path / "data").glob("*.sqlite3"))  # nothing went to a file


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://quiz:s3cret@127.0.0.1:1/quiz", "cannot open the database"),
        ("mysql://quiz:s3cret@localhost/quiz", "unknown database URL scheme 'mysql'"),
        ("postgresql://quiz:s3cret@127.0.0.1:1/", "the URL names no database"),
    ],
)
def test_a_database_that_cannot_be_used_is_a_clear_error(
    url: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(
        capsys, "trainers", "list", "--database", url, "--data-dir", str(tmp_path)
    )

    assert status == 2
    assert err.startswith("error: ") and says in err
    assert "s3cret" not in err + out and "Traceback" not in err
