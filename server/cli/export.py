"""`quizkiosk export GAME_ID -o FILE.csv|FILE.xlsx`: a session's results for scripts."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from quizkiosk.archive.postgres import redacted
from quizkiosk.banks.loader import load_banks
from quizkiosk.cli.serve import add_data_dir_option, add_database_option
from quizkiosk.config import ServerConfig, default_banks_dir, default_data_dir
from quizkiosk.reports.export import answer_rows, csv_text, xlsx_bytes
from quizkiosk.reports.session import session_report
from quizkiosk.store import open_stores
from quizkiosk.web.i18n import LANGUAGES, load_translations


def register(commands: Any) -> None:
    export = commands.add_parser("export", help="write a session's results to CSV or XLSX")
    export.add_argument("game_id", metavar="GAME_ID")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.csv|FILE.xlsx")
    export.add_argument("--lang", choices=LANGUAGES, default="uz", help="language of the headers")
    add_data_dir_option(export, "the data folder the session was played in")
    export.add_argument("--banks", type=Path, default=None)
    add_database_option(export)
    export.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    suffix = args.output.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        print(f"error: {args.output}: the file name must end in .csv or .xlsx")
        return 2
    config = ServerConfig(
        data_dir=args.data_dir or default_data_dir(),
        banks_dir=args.banks or default_banks_dir(),
        database_url=args.database,
    )

    async def read() -> Any:
        async with open_stores(config.database) as stores:
            return await stores.archive.game_results(args.game_id)

    results = asyncio.run(read())
    if results is None:
        print(f"error: no session {args.game_id!r} in {redacted(config.database)}")
        return 1
    gettext = load_translations()[args.lang].gettext
    if suffix == ".csv":
        data = csv_text(answer_rows(results, gettext)).encode("utf-8")
    else:
        bank = load_banks([config.banks_dir]).banks.get(results.game.bank_id)
        data = xlsx_bytes(session_report(results, bank), results, args.lang, gettext)
    temporary = args.output.with_suffix(args.output.suffix + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(args.output)
    print(f"wrote {args.output}")
    return 0
