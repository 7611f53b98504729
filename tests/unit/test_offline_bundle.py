"""The offline bundle's check of what each target installs (.ci/offline_bundle.py),
on small wheels made here: markers are those of the target, not of this computer."""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def offline_bundle() -> ModuleType:
    spec = importlib.util.spec_from_file_location("offline_bundle", ROOT / ".ci/offline_bundle.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["offline_bundle"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def make_wheel(folder: Path, filename: str, requires: tuple[str, ...] = ()) -> Path:
    name, version = filename.split("-")[:2]
    path = folder / filename
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {line}\n" for line in requires)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{name}-{version}.dist-info/METADATA", metadata)
    return path


def test_each_target_gets_the_dependencies_its_own_markers_ask_for(tmp_path: Path) -> None:
    tool = offline_bundle()
    app = make_wheel(
        tmp_path,
        "app-1.0-py3-none-any.whl",
        (
            'tzdata; sys_platform == "win32"',
            'fastloop>=1; sys_platform != "win32"',
            'backport; python_version < "3.13"',
            "native>=2",
            'extra-only; extra == "fast"',
        ),
    )
    make_wheel(tmp_path, "tzdata-2025.1-py2.py3-none-any.whl")
    make_wheel(tmp_path, "fastloop-1.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
    make_wheel(tmp_path, "backport-4.0-py3-none-any.whl")
    make_wheel(tmp_path, "native-2.1-cp311-cp311-win_amd64.whl")
    make_wheel(tmp_path, "native-2.1-cp311-cp311-manylinux_2_28_x86_64.whl")
    make_wheel(tmp_path, "extra_only-1.0-py3-none-any.whl")

    def installs(system: str, python: str) -> tuple[list[str], list[str]]:
        needed, missing = tool.closure(tool.Target(system, python), app, tmp_path)
        return sorted(p.name.split("-")[0] for p in needed), missing

    assert installs("windows", "3.11") == (["app", "backport", "native", "tzdata"], [])
    assert installs("linux", "3.11") == (["app", "backport", "fastloop", "native"], [])
    # The built wheels here are for 3.11 only: for later Pythons they are named as
    # missing, with what needs them; the backport is not needed on 3.13.
    assert installs("windows", "3.13") == (
        ["app", "tzdata"],
        ["native>=2 (needed by app-1.0-py3-none-any.whl)"],
    )
    assert installs("linux", "3.12") == (
        ["app", "backport"],
        [
            'fastloop>=1; sys_platform != "win32" (needed by app-1.0-py3-none-any.whl)',
            "native>=2 (needed by app-1.0-py3-none-any.whl)",
        ],
    )


def test_a_wheel_too_old_for_the_requirement_is_missing(tmp_path: Path) -> None:
    tool = offline_bundle()
    app = make_wheel(tmp_path, "app-1.0-py3-none-any.whl", ("native>=3",))
    make_wheel(tmp_path, "native-2.1-cp313-cp313-win_amd64.whl")
    _needed, missing = tool.closure(tool.Target("windows", "3.13"), app, tmp_path)
    assert missing == ["native>=3 (needed by app-1.0-py3-none-any.whl)"]
