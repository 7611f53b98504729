"""`quizkiosk bots`: simulated players for rehearsals and load tests (quiz or case race)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from quizkiosk.bots.answer_key import AnswerKey
from quizkiosk.bots.player import BotSettings, run_bots
from quizkiosk.config import default_banks_dir


def register(commands: Any) -> None:
    bots = commands.add_parser("bots", help="join simulated players to a game or a case race")
    bots.add_argument("--url", required=True, help="server address, e.g. http://127.0.0.1:8000")
    bots.add_argument("--pin", required=True)
    bots.add_argument("--players", type=int, default=10)
    bots.add_argument(
        "--accuracy",
        type=float,
        default=0.7,
        help="share of right answers (in a race: of attempts), 0–1",
    )
    bots.add_argument("--think", default="1.5-6", help="think time range in seconds, e.g. 1.5-6")
    bots.add_argument("--name-prefix", default="Bot")
    bots.add_argument("--seed", type=int, default=1)
    bots.add_argument(
        "--banks",
        type=Path,
        default=None,
        help="banks folder the answer key is read from (default: bundled)",
    )
    bots.add_argument(
        "--timings",
        action="store_true",
        help="include per-question (race: per-step) arrival times and ack latencies in the summary",
    )
    bots.set_defaults(handler=run)


def parse_think(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    first = float(low)
    second = float(high) if high else first
    if first < 0 or second < first:
        raise ValueError("think range must look like 1.5-6")
    return first, second


def websocket_url(url: str) -> str:
    url = url.rstrip("/")
    if url.startswith("https://"):
        return "wss://" + url.removeprefix("https://")
    if url.startswith("http://"):
        return "ws://" + url.removeprefix("http://")
    return url


def run(args: argparse.Namespace) -> int:
    try:
        think = parse_think(args.think)
    except ValueError as error:
        print(f"error: --think: {error}", file=sys.stderr)
        return 2
    if not 0.0 <= args.accuracy <= 1.0:
        print("error: --accuracy must be between 0 and 1", file=sys.stderr)
        return 2
    key = AnswerKey.from_banks(args.banks or default_banks_dir())
    settings = BotSettings(websocket_url(args.url), args.pin, args.accuracy, think)
    stats = asyncio.run(run_bots(settings, args.players, key, args.name_prefix, args.seed))
    print(json.dumps(stats.summary(args.timings)))
    return 0
