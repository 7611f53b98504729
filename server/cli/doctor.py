"""`quizkiosk doctor`: check what a seminar needs, and say what is wrong in plain words.

Each check prints one line: OK, WARN or FAIL, what was checked, and what to do.
The exit code is 1 if anything failed (warnings alone do not fail).
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
from quizkiosk.archive.postgres import redacted
from quizkiosk.archive.postgres_connection import connect
from quizkiosk.banks.loader import load_banks
from quizkiosk.cli.serve import add_data_dir_option, add_database_option
from quizkiosk.config import DATABASE_ENV, default_banks_dir, default_data_dir
from quizkiosk.resources import NotUnpacked, ui_folder
from quizkiosk.web.i18n import LANGUAGES

EARLIEST_SANE_CLOCK = 1_735_689_600  # 2025-01-01: a clock before this is unset


@dataclass(frozen=True, slots=True)
class Finding:
    level: str  # "OK", "WARN", "FAIL"
    what: str
    advice: str = ""

    def line(self) -> str:
        return f"{self.level:<4}  {self.what}" + (f" — {self.advice}" if self.advice else "")


def register(commands: Any) -> None:
    doctor = commands.add_parser("doctor", help="check this computer is ready for a seminar")
    doctor.add_argument("--port", type=int, default=8000, help="the port `serve` will use")
    add_data_dir_option(doctor, "the data folder `serve` will use")
    doctor.add_argument("--banks", type=Path, default=None)
    add_database_option(doctor)
    doctor.set_defaults(handler=run_doctor)


def check_port(port: int, host: str = "0.0.0.0") -> Finding:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return Finding(
                "FAIL",
                f"port {port} is in use",
                "close the other program (or another quizkiosk), or use --port 8080",
            )
    return Finding("OK", f"port {port} is free")


def check_lan(addresses: list[str], port: int | None = None) -> Finding:
    lan = [a for a in addresses if a != "127.0.0.1"]
    if not lan:
        return Finding(
            "WARN",
            "no network address found besides this computer itself",
            "connect the laptop to the clinic Wi-Fi or LAN; phones cannot reach it now",
        )
    shown = ", ".join(f"http://{a}:{port or '<port>'}/join" for a in lan[:3])
    return Finding(
        "OK",
        f"phones on the same network can open {shown}",
        "if they cannot: allow Python through the firewall (Windows asks at the first "
        "start: tick 'Private networks') and turn off 'client isolation' on the Wi-Fi",
    )


def check_data_dir(folder: Path) -> Finding:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-", delete=True) as probe:
            probe.write(b"ok")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as error:
        return Finding(
            "FAIL",
            f"cannot write to the data folder {folder}: {error.strerror}",
            "use --data-dir with a folder you can write to",
        )
    return Finding("OK", f"data folder {folder} is writable")


def check_banks(folder: Path) -> Finding:
    catalog = load_banks([folder])
    errors = [p for p in catalog.problems if p.severity == "error"]
    count = len(catalog.banks)
    if count == 0:
        return Finding("FAIL", f"no question bank loads from {folder}", "check the folder")
    if errors:
        return Finding(
            "WARN",
            f"{count} banks load, {len(errors)} problems",
            "run `quizkiosk banks check` to see them",
        )
    return Finding("OK", f"{count} question banks load with no errors")


def check_install(find_ui: Callable[[], Path] = ui_folder) -> Finding:
    """The pages need their templates, scripts and catalogues next to the code: a
    broken or half-copied install shows here rather than as a crash in front of the room."""
    try:
        ui = find_ui()
    except NotUnpacked as error:
        return Finding("FAIL", "the program's own files cannot be read", str(error))
    needed = [
        ui / "templates" / "base.html",
        ui / "static" / "js" / "i18n.js",
        *(ui / "translations" / lang / "LC_MESSAGES" / "messages.mo" for lang in LANGUAGES),
    ]
    missing = [str(path.relative_to(ui)) for path in needed if not path.is_file()]
    if missing:
        return Finding(
            "FAIL",
            f"the install is incomplete: {', '.join(missing)} missing in {ui}",
            "reinstall quizkiosk (pip install --force-reinstall quizkiosk)",
        )
    return Finding("OK", f"pages, scripts and translations are installed ({ui})")


def check_database(url: str) -> Finding | None:
    """A PostgreSQL database: reachable, and are its commits durable? (Nothing to say
    about the default SQLite file beyond the data folder check; opening it would create it.)"""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        return None
    if scheme not in ("postgresql", "postgres"):
        return Finding(
            "FAIL",
            f"unknown database URL scheme {scheme!r}",
            "use sqlite:///FILE or postgresql://USER:PASSWORD@HOST:5432/DBNAME",
        )
    shown = redacted(url)
    try:
        with connect(url) as conn:
            rows = conn.execute(
                "SELECT name, reset_val FROM pg_settings"
                " WHERE name IN ('server_version', 'fsync', 'synchronous_commit')"
            ).fetchall()
    except psycopg.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return Finding(
            "FAIL",
            f"cannot reach the database {shown}: {first_line}",
            "check the URL, that PostgreSQL is running, and that it lets this role in "
            "(pg_hba.conf)",
        )
    settings = {str(name): str(value) for name, value in rows}
    if settings.get("fsync") == "off":
        return Finding(
            "WARN",
            f"PostgreSQL at {shown} runs with fsync = off",
            "a power cut can lose answers already acknowledged: set fsync = on",
        )
    note = ""
    if settings.get("synchronous_commit") == "off":
        note = " (synchronous_commit is off there; quizkiosk turns it on for its own work)"
    version = settings.get("server_version", "?")
    return Finding("OK", f"PostgreSQL {version} at {shown}: commits are durable{note}")


def check_clock(now: float) -> Finding:
    if now < EARLIEST_SANE_CLOCK:
        return Finding(
            "FAIL",
            "the computer's clock is wrong (before 2025)",
            "set the date and time: deadlines and results use this clock",
        )
    return Finding(
        "OK", "the clock looks right: " + time.strftime("%Y-%m-%d %H:%M", time.localtime(now))
    )


def run_checks(
    port: int,
    data_dir: Path,
    banks_dir: Path,
    addresses: Callable[[], list[str]],
    database: str | None = None,
) -> list[Finding]:
    database_finding = None if database is None else check_database(database)
    return [
        check_install(),
        check_port(port),
        check_lan(addresses(), port),
        check_data_dir(data_dir),
        *([] if database_finding is None else [database_finding]),
        check_banks(banks_dir),
        check_clock(time.time()),
    ]


def run_doctor(args: argparse.Namespace) -> int:
    from quizkiosk.cli.serve import lan_addresses

    findings = run_checks(
        args.port,
        args.data_dir or default_data_dir(),
        args.banks or default_banks_dir(),
        lan_addresses,
        args.database or os.environ.get(DATABASE_ENV),
    )
    for finding in findings:
        print(finding.line())
    return 1 if any(f.level == "FAIL" for f in findings) else 0
