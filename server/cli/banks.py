"""`quizkiosk banks ...`: list, check, import, export and template."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from quizkiosk.banks.loader import BUNDLED_BANKS_DIR, BankCatalog, load_banks
from quizkiosk.banks.problems import Problem

BANKS_ENV = "QUIZKIOSK_BANKS"


def default_banks_dir() -> Path:
    return Path(os.environ.get(BANKS_ENV) or BUNDLED_BANKS_DIR)


def register(commands: Any) -> None:
    group = commands.add_parser("banks", help="question banks: list, check, import, export")
    sub = group.add_subparsers(dest="banks_command", required=True, metavar="ACTION")

    listing = sub.add_parser("list", help="list the banks with their counts and status")
    _banks_dir_option(listing)
    listing.set_defaults(handler=run_list)

    check = sub.add_parser("check", help="report every problem in bank files")
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="bank files or folders (default: the banks folder)",
    )
    check.add_argument(
        "--quality",
        action="store_true",
        help="also warn about answer cues, repeated questions and throwaway options "
        "(see docs/question-banks.md, Quality check)",
    )
    _banks_dir_option(check)
    check.set_defaults(handler=run_check)

    importing = sub.add_parser("import", help="turn an XLSX file (ours or Kahoot!) into a bank")
    importing.add_argument("file", type=Path, metavar="FILE.xlsx")
    importing.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.yaml")
    importing.add_argument("--id", dest="bank_id", help="bank id (default: from the file name)")
    importing.set_defaults(handler=run_import)

    template = sub.add_parser("template", help="write an empty XLSX bank template")
    template.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx")
    template.set_defaults(handler=run_template)

    export = sub.add_parser("export", help="write a bank as an XLSX file")
    export.add_argument("bank_id", metavar="ID")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx")
    _banks_dir_option(export)
    export.set_defaults(handler=run_export)


def _banks_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--banks",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"banks folder (default: ${BANKS_ENV} or the bundled banks)",
    )


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)


def run_list(args: argparse.Namespace) -> int:
    catalog = load_banks([args.banks or default_banks_dir()])
    rows = [("ID", "TITLE", "LANGUAGES", "QUESTIONS", "CASES", "STATUS")]
    for bank in sorted(catalog.banks.values(), key=lambda b: b.id):
        rows.append(
            (
                bank.id,
                bank.title.uz,
                ",".join(bank.languages),
                str(len(bank.questions)),
                str(len(bank.cases)),
                bank.status,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    broken = [f for f in catalog.files if f.bank is None]
    for bank_file in broken:
        print(
            f"{bank_file.path}: not loaded ({len(bank_file.errors)} errors; "
            f"run `quizkiosk banks check`)",
            file=sys.stderr,
        )
    return 0


def run_check(args: argparse.Namespace) -> int:
    sources = args.paths or [args.banks or default_banks_dir()]
    catalog = load_banks(sources)
    _print_problems(catalog.problems)
    errors = sum(len(f.errors) for f in catalog.files)
    warnings = len(catalog.problems) - errors
    summary = f"{len(catalog.files)} files checked: {errors} errors, {warnings} warnings"
    if args.quality:
        summary += _print_quality(catalog)
    print(summary)
    # Quality warnings are advice for the reviewer, never a reason to fail.
    return 1 if errors else 0


def _print_quality(catalog: BankCatalog) -> str:
    """Print the open quality warnings; the end of the summary line that counts them."""
    from quizkiosk.banks.quality import BankSource, check_quality, open_warnings

    sources: list[BankSource] = []
    for bank_file in catalog.files:
        if bank_file.bank is None:
            continue
        # Read again only for the line numbers; a file gone since loading keeps none.
        try:
            text = bank_file.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            sources.append(BankSource(bank_file.bank, str(bank_file.path)))
        else:
            sources.append(BankSource.from_text(bank_file.bank, str(bank_file.path), text))
    found = check_quality(sources)
    shown = open_warnings(found)
    for warning in shown:
        print(warning)
    by_code = Counter(w.code for w in shown)
    if by_code:
        print(
            "quality warnings by code: " + ", ".join(f"{c} {n}" for c, n in sorted(by_code.items()))
        )
    accepted = len(found) - len(shown)
    note = f" ({accepted} accepted with quality_ok)" if accepted else ""
    return f", {len(shown)} quality warnings{note}"


def run_import(args: argparse.Namespace) -> int:
    from quizkiosk.banks.xlsx import import_workbook
    from quizkiosk.banks.yaml_writer import dump_bank_yaml, write_text_atomically

    if not args.file.is_file():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 1
    result = import_workbook(args.file, bank_id=args.bank_id)
    _print_problems(result.problems)
    if result.bank is None:
        print(f"not imported: fix the errors above; {args.output} was not written", file=sys.stderr)
        return 1
    write_text_atomically(args.output, dump_bank_yaml(result.bank))
    print(
        f"wrote {args.output}: {len(result.bank.questions)} questions, "
        f"{len(result.bank.cases)} cases"
    )
    return 0


def run_template(args: argparse.Namespace) -> int:
    from quizkiosk.banks.xlsx import write_template

    write_template(args.output)
    print(f"wrote {args.output}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from quizkiosk.banks.xlsx import export_bank

    catalog = load_banks([args.banks or default_banks_dir()])
    bank = catalog.banks.get(args.bank_id)
    if bank is None:
        known = ", ".join(sorted(catalog.banks)) or "none"
        print(f"no bank with id '{args.bank_id}' (loaded banks: {known})", file=sys.stderr)
        return 1
    export_bank(bank, args.output)
    print(f"wrote {args.output}")
    return 0
