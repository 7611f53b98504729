#!/usr/bin/env python3
"""Build the offline install bundle: one folder (and a zip of it) that installs
quizkiosk on a computer with no internet, Windows x86-64 or Linux x86-64, CPython 3.11
to 3.13.

    python .ci/offline_bundle.py                  # -> dist/quizkiosk-<version>-offline/ and .zip
    python .ci/offline_bundle.py --wheel dist/quizkiosk-0.1.0-py3-none-any.whl --out DIR

The folder holds wheels/ (quizkiosk's wheel and every dependency's wheel for every
target), install.sh, install.bat and install.ps1 (a virtual environment next to them,
then `pip install --no-index --find-links wheels quizkiosk`), README.txt and
wheels-per-target.txt (which wheels each target installs).

Why pip runs under a stand-in marker environment: `pip download --platform ...` picks
wheels for the target but evaluates environment markers (`sys_platform == "win32"`,
`python_version < "3.13"`) for the computer it runs on, so a Linux host would fetch
uvloop for Windows (which has none) and forget colorama. Each target is downloaded
with pip's marker environment set to that target's; then every target's dependency
closure is worked out again from the wheels' own metadata and checked against the
folder, so a missing wheel fails the build here and not in the seminar room.

Needs pip, build and packaging in the Python that runs it (the project's .venv with
the test extra has them) and access to the package index.
"""

from __future__ import annotations

import argparse
import email.message
import email.parser
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ("3.11", "3.12", "3.13")
# glibc 2.17 (manylinux2014) up to 2.28: every Linux a clinic laptop runs today.
LINUX_PLATFORMS = (
    *(f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1)),
    "manylinux2014_x86_64",
    "manylinux_2_12_x86_64",
    "manylinux2010_x86_64",
    "manylinux_2_5_x86_64",
    "manylinux1_x86_64",
)
WINDOWS_PLATFORMS = ("win_amd64",)

# Runs pip with its marker environment replaced by the target's (see the module's
# docstring): argv[1] is the environment as JSON, the rest is pip's command line.
PIP_UNDER_TARGET_MARKERS = """
import json, runpy, sys
from pip._vendor.packaging import markers
target = json.loads(sys.argv[1])
host = markers.default_environment
markers.default_environment = lambda: {**host(), **target}
sys.argv = ["pip", *sys.argv[2:]]
runpy.run_module("pip", run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class Target:
    system: str  # "linux" or "windows"
    python: str  # "3.11"

    @property
    def name(self) -> str:
        return f"{self.system}-x86_64-cp{self.python.replace('.', '')}"

    @property
    def platforms(self) -> tuple[str, ...]:
        return WINDOWS_PLATFORMS if self.system == "windows" else LINUX_PLATFORMS

    def markers(self) -> dict[str, str]:
        """PEP 508 marker values of CPython `python` on this system."""
        windows = self.system == "windows"
        return {
            "os_name": "nt" if windows else "posix",
            "sys_platform": "win32" if windows else "linux",
            "platform_system": "Windows" if windows else "Linux",
            "platform_machine": "AMD64" if windows else "x86_64",
            "platform_release": "",
            "platform_version": "",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "implementation_version": f"{self.python}.0",
            "python_version": self.python,
            "python_full_version": f"{self.python}.0",
        }

    def tags(self) -> set[Tag]:
        version = tuple(int(part) for part in self.python.split("."))
        platforms = list(self.platforms)
        return {
            *cpython_tags(version, platforms=platforms),
            *compatible_tags(version, f"cp{version[0]}{version[1]}", platforms),
        }


def all_targets(systems: list[str], pythons: list[str]) -> list[Target]:
    return [Target(system, python) for system in systems for python in pythons]


def build_wheel(into: Path) -> Path:
    """quizkiosk's own wheel, built from this checkout's sdist (as `python -m build`
    does), so nothing left over from an earlier build in the tree can slip into it."""
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(into), str(ROOT)], check=True)
    return only(into.glob("quizkiosk-*.whl"), "quizkiosk wheel")


def only(paths: Iterable[Path], what: str) -> Path:
    found = sorted(paths)
    if len(found) != 1:
        raise SystemExit(f"expected one {what}, found {[str(p) for p in found]}")
    return found[0]


def download_for(target: Target, wheel: Path, wheels: Path) -> None:
    """Every dependency wheel `target` needs, into `wheels` (pip resolves the versions)."""
    platforms = [arg for platform in target.platforms for arg in ("--platform", platform)]
    command = [
        sys.executable,
        "-c",
        PIP_UNDER_TARGET_MARKERS,
        json.dumps(target.markers()),
        "download",
        "--only-binary=:all:",
        *platforms,
        "--python-version",
        target.python,
        "--implementation",
        "cp",
        "--dest",
        str(wheels),
        str(wheel),
    ]
    print(f"== {target.name}", flush=True)
    subprocess.run(command, check=True)


def wheel_metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        name = only(
            (Path(n) for n in archive.namelist() if n.endswith(".dist-info/METADATA")),
            f"METADATA in {wheel.name}",
        )
        text = archive.read(name.as_posix()).decode("utf-8")
    return email.parser.Parser().parsestr(text)


def requirements_of(wheel: Path, extras: frozenset[str], target: Target) -> list[Requirement]:
    """The wheel's Requires-Dist that apply on `target` with these extras."""
    environment = target.markers()
    applying = []
    for line in wheel_metadata(wheel).get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        marker: Marker | None = requirement.marker
        if marker is None or any(
            marker.evaluate({**environment, "extra": extra}) for extra in ("", *extras)
        ):
            applying.append(requirement)
    return applying


def closure(target: Target, wheel: Path, folder: Path) -> tuple[list[Path], list[str]]:
    """The wheels a `pip install --no-index --find-links folder` of `wheel` installs on
    `target`, and what it would find missing."""
    tags = target.tags()
    offered: dict[str, list[tuple[Version, Path]]] = {}
    for candidate in folder.glob("*.whl"):
        name, version, _build, wheel_tags = parse_wheel_filename(candidate.name)
        if wheel_tags & tags:
            offered.setdefault(name, []).append((version, candidate))
    chosen: dict[str, Path] = {}
    missing: list[str] = []
    pending = [(wheel, frozenset[str]())]
    seen: set[tuple[str, frozenset[str]]] = set()
    while pending:
        current, extras = pending.pop()
        for requirement in requirements_of(current, extras, target):
            name = canonicalize_name(requirement.name)
            fitting = sorted(
                (v, p)
                for v, p in offered.get(name, [])
                if requirement.specifier.contains(v, prereleases=True)
            )
            if not fitting:
                missing.append(f"{requirement} (needed by {current.name})")
                continue
            chosen.setdefault(name, fitting[-1][1])
            key = (name, frozenset(requirement.extras))
            if key not in seen:
                seen.add(key)
                pending.append((chosen[name], frozenset(requirement.extras)))
    return [wheel, *sorted(chosen.values())], missing


INSTALL_SH = """#!/bin/sh
# Installs quizkiosk with no internet: a virtual environment in .venv next to this file.
cd "$(dirname "$0")" && "${PYTHON:-python3}" -m venv .venv && \\
.venv/bin/python -m pip install --disable-pip-version-check --no-index --find-links wheels quizkiosk
"""
INSTALL_BAT = (
    'py -m venv "%~dp0.venv"\r\n'
    '"%~dp0.venv\\Scripts\\python.exe" -m pip install --disable-pip-version-check '
    '--no-index --find-links "%~dp0wheels" quizkiosk\r\n'
)
INSTALL_PS1 = (
    'py -m venv "$PSScriptRoot\\.venv"\r\n'
    '& "$PSScriptRoot\\.venv\\Scripts\\python.exe" -m pip install '
    '--disable-pip-version-check --no-index --find-links "$PSScriptRoot\\wheels" quizkiosk\r\n'
)
README_TXT = """DMED Quiz Kiosk {version}: offline install
==========================================

Needs Python 3.11, 3.12 or 3.13 (64-bit) on Windows or Linux, x86-64. No internet.
Copy this whole folder to the laptop, then:

Windows, in a Command Prompt in this folder: install.bat
         (PowerShell: powershell -ExecutionPolicy Bypass -File install.ps1)
    start: .venv\\Scripts\\quizkiosk serve
    check: .venv\\Scripts\\quizkiosk doctor
    At the first start Windows asks whether Python may use the network:
    allow it on "Private networks", or phones cannot connect.

Linux:   sh install.sh            (another Python: PYTHON=python3.12 sh install.sh)
    start: .venv/bin/quizkiosk serve
    check: .venv/bin/quizkiosk doctor

Then open the address `serve` prints (http://<laptop address>:8000/join on the
phones; /setup once, to create the admin account).
wheels-per-target.txt lists which wheels each Python and system installs.
"""


def write_install_files(folder: Path, version: str) -> None:
    (folder / "install.sh").write_text(INSTALL_SH, encoding="utf-8", newline="\n")
    (folder / "install.sh").chmod(0o755)
    (folder / "install.bat").write_bytes(INSTALL_BAT.encode("ascii"))
    (folder / "install.ps1").write_bytes(INSTALL_PS1.encode("ascii"))
    (folder / "README.txt").write_text(README_TXT.format(version=version), encoding="utf-8")


def make_bundle(out: Path, wheel: Path | None, targets: list[Target]) -> Path:
    """Build the folder `out` and `out`.zip; returns the zip."""
    if out.exists():
        shutil.rmtree(out)
    wheels = out / "wheels"
    wheels.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as scratch:
        own = wheel if wheel is not None else build_wheel(Path(scratch))
        shutil.copy2(own, wheels / own.name)
    own = wheels / own.name
    version = str(parse_wheel_filename(own.name)[1])
    for target in targets:
        download_for(target, own, wheels)
    report, problems, used = [], [], {own}
    for target in targets:
        needed, missing = closure(target, own, wheels)
        used.update(needed)
        report.append(f"[{target.name}]\n" + "".join(f"{p.name}\n" for p in needed))
        problems += [f"{target.name}: no wheel for {m}" for m in missing]
    if problems:
        raise SystemExit("the bundle is incomplete:\n" + "\n".join(problems))
    for spare in sorted(set(wheels.glob("*.whl")) - used):
        print(f"note: {spare.name} is needed by no target", flush=True)
    (out / "wheels-per-target.txt").write_text("\n".join(report), encoding="utf-8")
    write_install_files(out, version)
    archive = shutil.make_archive(str(out), "zip", root_dir=out.parent, base_dir=out.name)
    return Path(archive)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="the bundle folder to create")
    parser.add_argument("--wheel", type=Path, default=None, help="use this quizkiosk wheel")
    parser.add_argument("--systems", nargs="+", default=["windows", "linux"])
    parser.add_argument("--pythons", nargs="+", default=list(PYTHONS))
    args = parser.parse_args(argv)
    targets = all_targets(args.systems, args.pythons)
    out = args.out
    if out is None:
        import tomllib

        project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        out = ROOT / "dist" / f"quizkiosk-{project['project']['version']}-offline"
    archive = make_bundle(out.resolve(), args.wheel and args.wheel.resolve(), targets)
    print(f"bundle: {out}\nzip:    {archive}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
