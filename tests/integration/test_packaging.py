"""Install anywhere: the sdist and wheel carry everything the server needs, and an
install outside the repository — from the wheel, by pipx, or from the offline bundle
with the package index refused — serves a whole game from another folder.

Built once for this module: the sdist and the wheel (`python -m build`, the wheel from
the sdist), a virtual environment with the wheel, a pipx install of it, the offline
bundle, and a virtual environment installed from that by its own install.sh.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.integration.conftest import RunningServer, free_port, host

ROOT = Path(__file__).resolve().parents[2]
BUNDLED_BANKS = sorted(path.name for path in (ROOT / "question_banks").glob("*.yaml"))
LANGUAGES = ("uz", "ru", "en")
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
# Files and folders of the repository that an install never needs.
REPOSITORY_ONLY = {
    "package.json",
    "package-lock.json",
    "eslint.config.js",
    "node_modules",
    "unmarked_js_messages.js",
    "tests",
    "benchmarks",
    ".ci",
}


def repository_only(name: str) -> bool:
    return name.endswith(".po") or bool(REPOSITORY_ONLY & set(name.split("/")))


def run(*command: str | Path, **options: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False, **options
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def outside_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: nothing of this checkout or its settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QUIZKIOSK_", "VIRTUAL_ENV", "PYTHONPATH"))
    }
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def without_index() -> dict[str, str]:
    """pip with no way to the network: no configuration files (they name indexes and
    find-links folders here), an index that refuses connections, no proxy, no cache."""
    env = {
        key: value
        for key, value in outside_env().items()
        if not key.startswith("PIP_") and not key.lower().endswith("_proxy")
    }
    return {
        **env,
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_INDEX_URL": "http://127.0.0.1:9/",
        "PIP_NO_CACHE_DIR": "1",
        "PIP_RETRIES": "0",
    }


def base_python() -> str:
    """The interpreter behind this test's virtual environment."""
    return str(Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}")


@dataclass
class Built:
    sdist: Path
    wheel: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    if importlib.util.find_spec("build") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the `build` package is missing (pip install -e '.[test]')")
        pytest.skip("the `build` package is missing (pip install -e '.[test]')")
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", dist, ROOT)
    sdist = next(dist.glob("quizkiosk-*.tar.gz"))
    wheel = next(dist.glob("quizkiosk-*.whl"))
    return Built(sdist, wheel)


@pytest.fixture(scope="module")
def wheel_venv(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("from-wheel") / "venv"
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin" / "python", "-m", "pip", "install", "-q", built.wheel, env=outside_env())
    return venv


@pytest.fixture(scope="module")
def pipx_venv(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pipx install` of the wheel: the tool's own environment, as a user gets it."""
    if importlib.util.find_spec("pipx") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pipx is missing (pip install -e '.[test]')")
        pytest.skip("pipx is missing (pip install -e '.[test]')")
    home = tmp_path_factory.mktemp("pipx")
    folders = {
        "PIPX_HOME": home / "home",
        "PIPX_BIN_DIR": home / "bin",
        "PIPX_MAN_DIR": home / "man",
    }
    env = outside_env(**{name: str(folder) for name, folder in folders.items()})
    run(sys.executable, "-m", "pipx", "install", built.wheel, env=env)
    assert (home / "bin" / "quizkiosk").exists()  # the command pipx puts on the PATH
    return home / "home" / "venvs" / "quizkiosk"


@pytest.fixture(scope="module")
def bundle(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bundle") / "quizkiosk-offline"
    script = ROOT / ".ci" / "offline_bundle.py"
    run(sys.executable, script, "--wheel", built.wheel, "--out", folder, env=outside_env())
    return folder


@pytest.fixture(scope="module")
def bundle_venv(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip unpacked elsewhere and installed by its install.sh, the index refused."""
    unpacked = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(bundle.with_suffix(".zip")) as archive:
        archive.extractall(unpacked)
    folder = unpacked / bundle.name
    run("sh", folder / "install.sh", env={**without_index(), "PYTHON": base_python()})
    return folder / ".venv"


def offline_bundle_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("offline_bundle", ROOT / ".ci/offline_bundle.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["offline_bundle"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# --- what the distributions carry ----------------------------------------------------


def test_the_wheel_carries_the_interface_catalogues_and_banks_under_quizkiosk(
    built: Built,
) -> None:
    with zipfile.ZipFile(built.wheel) as archive:
        names = archive.namelist()
        top_level = archive.read(
            next(n for n in names if n.endswith(".dist-info/top_level.txt"))
        ).decode()
    assert top_level.split() == ["quizkiosk"]  # no module named `server` any more
    assert {name.split("/")[0] for name in names} == {"quizkiosk", f"quizkiosk-{VERSION}.dist-info"}
    ui = "quizkiosk/kiosk_ui/"
    for template in (ROOT / "kiosk_ui" / "templates").glob("*.html"):
        assert f"{ui}templates/{template.name}" in names
    for static in (ROOT / "kiosk_ui" / "static").rglob("*.*"):
        assert ui + static.relative_to(ROOT / "kiosk_ui").as_posix() in names
    assert f"{ui}translations/messages.pot" in names
    for language in LANGUAGES:
        assert f"{ui}translations/{language}/LC_MESSAGES/messages.mo" in names
    assert sorted(
        n.rsplit("/", 1)[1] for n in names if n.startswith("quizkiosk/question_banks/")
    ) == sorted(["__init__.py", *BUNDLED_BANKS])
    assert [n for n in names if repository_only(n)] == []


def test_the_sdist_holds_the_source_layout_and_no_node_files(built: Built) -> None:
    with tarfile.open(built.sdist) as archive:
        names = [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]
    assert "pyproject.toml" in names and "server/resources.py" in names
    assert "kiosk_ui/templates/base.html" in names
    assert "kiosk_ui/translations/uz/LC_MESSAGES/messages.mo" in names
    assert all(f"question_banks/{bank}" in names for bank in BUNDLED_BANKS)
    assert [n for n in names if n.startswith(("package", "eslint", "node_modules"))] == []


# --- the offline bundle --------------------------------------------------------------


def test_the_bundle_has_every_wheel_each_target_installs(bundle: Path) -> None:
    """Worked out from the wheels' own metadata for each target's markers and tags, the
    way pip on that computer would: nothing is missing, Windows gets Windows builds."""
    tool = offline_bundle_module()
    wheels = bundle / "wheels"
    own = next(wheels.glob("quizkiosk-*.whl"))
    for target in tool.all_targets(["windows", "linux"], ["3.11", "3.12", "3.13"]):
        needed, missing = tool.closure(target, own, wheels)
        assert missing == [], target
        names = [path.name for path in needed]
        built_wheels = [name for name in names if not name.endswith("-none-any.whl")]
        platform = "win_amd64" if target.system == "windows" else "manylinux"
        assert built_wheels and all(platform in name for name in built_wheels), names
        assert any(name.startswith("pydantic_core-") for name in built_wheels)
        has_uvloop = any(name.startswith("uvloop-") for name in names)
        assert has_uvloop == (target.system == "linux")  # uvicorn[standard]: not on win32
    listing = (bundle / "wheels-per-target.txt").read_text(encoding="utf-8")
    assert "[windows-x86_64-cp313]" in listing and "[linux-x86_64-cp311]" in listing


def test_the_bundle_installs_with_two_lines_per_system(bundle: Path) -> None:
    for script in ("install.sh", "install.bat", "install.ps1"):
        text = (bundle / script).read_text(encoding="utf-8")
        commands = [line for line in text.splitlines() if line and not line.startswith("#")]
        assert len(commands) == 2, script
        assert "-m venv" in commands[0]
        assert "--no-index --find-links" in commands[1] and "quizkiosk" in commands[1]
    assert b"\r\n" in (bundle / "install.bat").read_bytes()
    assert bundle.with_suffix(".zip").is_file()


# --- an installed server, from the wheel and from the bundle ---------------------------


def cli(venv: Path, cwd: Path, *args: str, stdin: str | None = None) -> str:
    """The installed `quizkiosk` command, run from another folder."""
    result = run(venv / "bin" / "quizkiosk", *args, input=stdin, cwd=cwd, env=outside_env())
    return result.stdout.strip()


@dataclass
class Installed:
    venv: Path
    server: RunningServer
    elsewhere: Path

    def command(self, *args: str) -> str:
        return cli(self.venv, self.elsewhere, *args)


def serve(venv: Path, elsewhere: Path, as_module: bool) -> Iterator[Installed]:
    """`quizkiosk serve` (or `python -m quizkiosk serve`) from a folder of its own."""
    data_dir = elsewhere / "data"
    where = ("--data-dir", str(data_dir))
    cli(
        venv,
        elsewhere,
        "trainers",
        "add",
        "nurse",
        "--admin",
        "--password-stdin",
        *where,
        stdin="nurse-pass-1\n",
    )
    token = cli(venv, elsewhere, "trainers", "token", "nurse", *where)
    port = free_port()
    log_path = elsewhere / "server.log"
    with log_path.open("w", encoding="utf-8") as log_file:
        process = subprocess.Popen(
            [
                *(
                    (venv / "bin" / "python", "-m", "quizkiosk")
                    if as_module
                    else (venv / "bin" / "quizkiosk",)
                ),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                *where,
            ],
            cwd=elsewhere,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            text=True,
            env=outside_env(),
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not healthy(base_url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the installed server did not start:\n{log_path.read_text()}")
        time.sleep(0.1)
    server = RunningServer(
        base_url, f"ws://127.0.0.1:{port}", data_dir, token, token, process, log_path
    )
    yield Installed(venv, server, elsewhere)
    process.terminate()
    process.wait(timeout=20)


def healthy(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


INSTALLS = {"wheel": "wheel_venv", "offline bundle": "bundle_venv", "pipx": "pipx_venv"}


@pytest.fixture(scope="module", params=list(INSTALLS))
def installed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Installed]:
    venv: Path = request.getfixturevalue(INSTALLS[request.param])
    as_module = request.param == "pipx"  # `python -m quizkiosk serve` works as well
    yield from serve(venv, tmp_path_factory.mktemp("elsewhere"), as_module)


def test_the_installed_server_serves_its_pages_and_files(installed: Installed) -> None:
    with httpx.Client(base_url=installed.server.base_url, timeout=10) as client:
        join = client.get("/join", params={"lang": "ru"})
        script = client.get("/static/js/i18n.js")
        catalog = client.get("/i18n/uz.json")
    assert join.status_code == 200 and "<html" in join.text
    assert 'lang="ru"' in join.text  # the Russian catalogue is installed and used
    assert script.status_code == 200
    assert script.content == (ROOT / "kiosk_ui/static/js/i18n.js").read_bytes()
    assert catalog.status_code == 200 and len(catalog.json()) > 100


def test_the_installed_server_shows_the_qr_code_of_a_bundled_bank_game(
    installed: Installed,
) -> None:
    game = installed.server.create_game("sick-leave")
    with installed.server.api() as api:
        qr = api.get(f"/host/{game['game_id']}/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in qr.text


def test_banks_list_shows_every_bundled_bank(installed: Installed) -> None:
    listing = installed.command("banks", "list")
    listed = sorted(line.split()[0] + ".yaml" for line in listing.splitlines()[1:])
    assert listed == BUNDLED_BANKS


def test_bots_play_a_whole_game_on_the_installed_server(installed: Installed) -> None:
    server = installed.server
    game = server.create_game("sick-leave", scoring="accuracy")
    bots = subprocess.Popen(
        [
            installed.venv / "bin" / "quizkiosk",
            "bots",
            "--url",
            server.base_url,
            "--pin",
            game["pin"],
            "--players",
            "4",
            "--think",
            "0.05-0.2",
            "--accuracy",
            "1.0",
        ],
        cwd=installed.elsewhere,
        stdout=subprocess.PIPE,
        text=True,
        env=outside_env(),
    )
    questions = 0

    async def drive() -> None:
        nonlocal questions
        projector = await host(server, game)
        await projector.expect("player_joined", timeout=30, count=4)
        await projector.send({"type": "start"})
        while True:
            reveal = await projector.expect("reveal", timeout=30)
            questions += 1
            await projector.send({"type": "next"})
            shown = await projector.next(timeout=10)
            while shown["type"] not in ("leaderboard", "podium"):
                shown = await projector.next(timeout=10)
            await projector.send({"type": "next"})
            if shown["type"] == "podium":
                break
            assert reveal["index"] == questions - 1
        await projector.expect("ended", timeout=10)

    asyncio.run(drive())
    output, _ = bots.communicate(timeout=60)
    summary = json.loads(output)
    assert questions == 15  # the whole bundled bank
    assert summary["players_joined"] == 4 and summary["refused"] == {}
    assert summary["answers_sent"] == summary["answers_acked"] > 0


def test_the_installed_package_is_quizkiosk_and_no_module_server(installed: Installed) -> None:
    python = installed.venv / "bin" / "python"
    found = subprocess.run(
        [python, "-c", "import server"],
        cwd=installed.elsewhere,
        env=outside_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 1 and "No module named 'server'" in found.stderr
    where = run(
        python,
        "-c",
        "import quizkiosk.resources as r; print(r.ui_folder())",
        cwd=installed.elsewhere,
        env=outside_env(),
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.venv) and not Path(where).is_relative_to(ROOT)
    version = run(python, "-m", "quizkiosk", "--version", cwd=installed.elsewhere)
    assert version.stdout.strip() == f"quizkiosk {VERSION}"


def test_doctor_finds_the_installed_files(installed: Installed) -> None:
    report = installed.command("doctor", "--port", "0", "--data-dir", str(installed.elsewhere))
    assert f"OK    pages, scripts and translations are installed ({installed.venv}" in report
    assert "question banks load with no errors" in report


def test_pip_really_has_no_index_in_the_offline_installs() -> None:
    """What the bundle installs came from its own folder: with the same environment,
    pip cannot fetch even a package every index has."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-d", os.devnull, "six"],
        env=without_index(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert "No matching distribution found for six" in result.stderr
