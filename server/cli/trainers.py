"""`quizkiosk trainers ...`: add trainer accounts and issue API tokens; put trainers in
a polyclinic and turn report sharing within a polyclinic on or off."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from quizkiosk.accounts.store import AccountError, AccountStore, Role
from quizkiosk.cli.serve import add_data_dir_option, add_database_option
from quizkiosk.config import ServerConfig, default_banks_dir, default_data_dir
from quizkiosk.store import open_stores

T = TypeVar("T")


def register(commands: Any) -> None:
    group = commands.add_parser("trainers", help="trainer accounts and API tokens")
    sub = group.add_subparsers(dest="trainers_command", required=True, metavar="ACTION")

    add = sub.add_parser("add", help="create a trainer account")
    add.add_argument("username")
    add.add_argument("--admin", action="store_true", help="the account may manage everything")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (for scripts)",
    )
    _data_dir_option(add)
    add.set_defaults(handler=run_add)

    token = sub.add_parser("token", help="print a new API token for a trainer")
    token.add_argument("username")
    _data_dir_option(token)
    token.set_defaults(handler=run_token)

    listing = sub.add_parser("list", help="list trainer accounts")
    _data_dir_option(listing)
    listing.set_defaults(handler=run_list)

    polyclinic = sub.add_parser(
        "polyclinic", help="put a trainer in a polyclinic (for report sharing)"
    )
    polyclinic.add_argument("username")
    where = polyclinic.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "name", nargs="?", help="the polyclinic's name, e.g. '3-oilaviy poliklinika'"
    )
    where.add_argument("--none", action="store_true", help="take the trainer out of any polyclinic")
    _data_dir_option(polyclinic)
    polyclinic.set_defaults(handler=run_polyclinic)

    sharing = sub.add_parser(
        "sharing",
        help="whether trainers of one polyclinic read each other's reports (off by default)",
    )
    sharing.add_argument("state", nargs="?", choices=("on", "off"), help="omit to show it")
    _data_dir_option(sharing)
    sharing.set_defaults(handler=run_sharing)


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    add_data_dir_option(parser, "data folder")
    add_database_option(parser)


def _with_store(args: argparse.Namespace, work: Callable[[AccountStore], Awaitable[T]]) -> T:
    config = ServerConfig(
        data_dir=args.data_dir or default_data_dir(),
        banks_dir=default_banks_dir(),
        database_url=args.database,
    )
    config.data_dir.mkdir(parents=True, exist_ok=True)

    async def run() -> T:
        async with open_stores(config.database) as stores:
            return await work(stores.accounts)

    return asyncio.run(run())


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise AccountError("the two passwords differ")
    return first


def run_add(args: argparse.Namespace) -> int:
    try:
        password = _read_password(args.password_stdin)
        role: Role = "admin" if args.admin else "trainer"
        trainer = _with_store(args, lambda s: s.create_trainer(args.username, password, role))
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"created {trainer.role} '{trainer.username}'")
    return 0


def run_token(args: argparse.Namespace) -> int:
    try:
        token = _with_store(args, lambda s: s.create_api_token(args.username))
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(token)
    return 0


def run_list(args: argparse.Namespace) -> int:
    trainers = _with_store(args, lambda s: s.list_trainers())
    for trainer in trainers:
        print(f"{trainer.username}\t{trainer.role}\t{trainer.polyclinic or '-'}")
    return 0


def run_polyclinic(args: argparse.Namespace) -> int:
    name = None if args.none else args.name
    try:
        trainer = _with_store(args, lambda s: s.set_polyclinic(args.username, name))
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if trainer.polyclinic is None:
        print(f"'{trainer.username}' is in no polyclinic")
    else:
        print(f"'{trainer.username}' is in polyclinic '{trainer.polyclinic}'")
    return 0


def run_sharing(args: argparse.Namespace) -> int:
    async def work(store: AccountStore) -> bool:
        if args.state is not None:
            await store.set_report_sharing(args.state == "on")
        return await store.report_sharing()

    on = _with_store(args, work)
    if on:
        print("report sharing is on: trainers of one polyclinic read each other's reports")
    else:
        print("report sharing is off: a trainer reads only their own reports")
    return 0
