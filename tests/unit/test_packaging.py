"""The build configuration and the installed package's data: what pyproject.toml maps
into the package `quizkiosk`, and how quizkiosk.resources finds it."""

from __future__ import annotations

import ast
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from quizkiosk.resources import NotUnpacked, bundled_banks_folder, package_folder, ui_folder
from quizkiosk.web.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "setuptools"
]
DATA_PACKAGES = {"quizkiosk.kiosk_ui": "kiosk_ui", "quizkiosk.question_banks": "question_banks"}


def code_packages() -> set[str]:
    """Every folder under server/ with an __init__.py, named as it is installed."""
    server = ROOT / "server"
    return {
        ".".join(("quizkiosk", *init.parent.relative_to(server).parts))
        for init in server.rglob("__init__.py")
    }


def test_the_packages_list_is_every_code_folder_plus_the_data_folders() -> None:
    listed = SETUPTOOLS["packages"]
    assert len(listed) == len(set(listed))
    assert set(listed) == code_packages() | set(DATA_PACKAGES)


def test_the_source_folders_are_mapped_into_the_package() -> None:
    assert SETUPTOOLS["package-dir"] == {"quizkiosk": "server", **DATA_PACKAGES}
    for folder in DATA_PACKAGES.values():
        assert (ROOT / folder / "__init__.py").is_file()


def test_the_package_data_is_only_what_the_server_reads() -> None:
    globs = SETUPTOOLS["package-data"]
    ui = set(globs["quizkiosk.kiosk_ui"])
    assert ui == {
        "templates/**/*.html",
        "static/**/*",
        "translations/messages.pot",
        "translations/*/LC_MESSAGES/*.mo",
    }
    assert SETUPTOOLS["include-package-data"] is False  # no stray files from old builds


def test_the_interface_is_found_where_the_package_is_installed() -> None:
    ui = ui_folder()
    assert (ui / "templates" / "base.html").is_file()
    assert (ui / "static" / "css" / "base.css").is_file()
    assert (ui / "translations" / "messages.pot").is_file()
    for language in LANGUAGES:
        assert (ui / "translations" / language / "LC_MESSAGES" / "messages.mo").is_file()


def test_the_bundled_banks_are_found_where_the_package_is_installed() -> None:
    assert len(list(bundled_banks_folder().glob("*.yaml"))) >= 10


def test_a_zipped_install_is_refused_in_plain_words(tmp_path: Path) -> None:
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("zipped_data/__init__.py", "")
        zipped.writestr("zipped_data/base.html", "<p>hi</p>")
    sys.path.insert(0, str(archive))
    try:
        with pytest.raises(NotUnpacked, match="a zipped install is not supported"):
            package_folder("zipped_data")
    finally:
        sys.path.remove(str(archive))
        sys.modules.pop("zipped_data", None)


POSIX_ONLY_MODULES = {"fcntl", "termios", "pwd", "grp", "resource", "posix", "pty", "tty"}
POSIX_ONLY_CALLS = {"fork", "forkpty", "getuid", "geteuid", "setsid", "add_signal_handler"}
POSIX_ONLY_SIGNALS = {"SIGHUP", "SIGKILL", "SIGUSR1", "SIGUSR2", "SIGQUIT", "SIGALRM", "SIGCHLD"}


def test_nothing_posix_only_in_the_package() -> None:
    """The server runs on a Windows laptop: no module, call or signal that only POSIX
    has (uvicorn itself handles Ctrl+C on both)."""
    found = []
    for path in sorted((ROOT / "server").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module.split(".")[0]]
            elif isinstance(node, ast.Attribute):
                names = [node.attr] if node.attr in POSIX_ONLY_CALLS | POSIX_ONLY_SIGNALS else []
            bad = [
                n for n in names if n in POSIX_ONLY_MODULES | POSIX_ONLY_CALLS | POSIX_ONLY_SIGNALS
            ]
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: {n}" for n in bad]  # type: ignore[attr-defined]
    assert found == []
