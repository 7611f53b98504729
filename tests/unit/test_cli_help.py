"""The `quizkiosk` command's help: every `--data-dir` says where the folder is by default."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from quizkiosk.cli import build_parser


def every_command(
    parser: argparse.ArgumentParser, name: str = "quizkiosk"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from every_command(sub, f"{name} {sub_name}")


def data_dir_help(parser: argparse.ArgumentParser) -> str | None:
    for action in parser._actions:
        if "--data-dir" in action.option_strings:
            return action.help or ""
    return None


def test_every_data_dir_option_names_its_default_folders() -> None:
    helps = {
        name: found
        for name, parser in every_command(build_parser())
        if (found := data_dir_help(parser)) is not None
    }
    assert {"quizkiosk serve", "quizkiosk export", "quizkiosk doctor"} <= helps.keys()
    assert any(name.startswith("quizkiosk trainers ") for name in helps)
    for name, text in helps.items():
        for where in ("$QUIZKIOSK_DATA_DIR", "$XDG_DATA_HOME", "~/.local/share/quizkiosk"):
            assert where in text, f"{name} --data-dir: {text!r}"
        assert "LOCALAPPDATA" in text, f"{name} --data-dir: {text!r}"


def test_the_printed_help_names_xdg_data_home() -> None:
    commands = dict(every_command(build_parser()))
    for command in ("serve", "export", "doctor"):
        parser = commands[f"quizkiosk {command}"]
        assert "$XDG_DATA_HOME" in " ".join(parser.format_help().split()), command
