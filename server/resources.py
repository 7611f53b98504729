"""Where the package keeps what is not Python code, found where it is installed.

The repository keeps the interface (`kiosk_ui/`: templates, static files, translation
catalogues) and the bundled question banks (`question_banks/`: YAML files and their
media) at its top, next to `server/`. The build configuration (pyproject.toml,
`[tool.setuptools]`) maps them into the package as `quizkiosk.kiosk_ui` and
`quizkiosk.question_banks`, so a wheel, a pipx or uv tool install and the editable
install of a checkout all find them through importlib.resources, never through a path
relative to the source.

Jinja2's FileSystemLoader, Starlette's StaticFiles and Babel read real folders. Every
ordinary install unpacks the package into site-packages, where they are folders; a
zipped install (zipimport, a .pyz) is not supported and is refused here in plain words
instead of failing later on a missing directory.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

UI_PACKAGE = "quizkiosk.kiosk_ui"
BANKS_PACKAGE = "quizkiosk.question_banks"


class NotUnpacked(RuntimeError):
    """The package's data is not in a folder on disk (a zipped install)."""


def package_folder(package: str) -> Path:
    """The folder a data package of quizkiosk is installed in."""
    found = files(package)
    if not isinstance(found, Path) or not found.is_dir():
        raise NotUnpacked(
            f"{package} is not a folder on disk ({found}): install quizkiosk with pip, "
            "pipx or uv into a virtual environment; a zipped install is not supported"
        )
    return found


def ui_folder() -> Path:
    """kiosk_ui/: templates/, static/ and translations/."""
    return package_folder(UI_PACKAGE)


def bundled_banks_folder() -> Path:
    """question_banks/: the bundled banks (*.yaml) and their media/."""
    return package_folder(BANKS_PACKAGE)
