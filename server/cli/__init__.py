"""The `quizkiosk` command: one sub-command group per module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from quizkiosk.cli import banks, bots, doctor, export, serve, trainers
from quizkiosk.store import DatabaseUnavailable, UnknownDatabase


def installed_version() -> str:
    try:
        return version("quizkiosk")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quizkiosk",
        description="DMED Quiz Kiosk: live quizzes and case races for DMED training.",
    )
    parser.add_argument("--version", action="version", version=f"quizkiosk {installed_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    banks.register(commands)
    doctor.register(commands)
    export.register(commands)
    serve.register(commands)
    trainers.register(commands)
    bots.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except (UnknownDatabase, DatabaseUnavailable) as error:  # --database / $QUIZKIOSK_DATABASE
        print(f"error: {error}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
