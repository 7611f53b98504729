"""Answer options are marked by a letter and a shape drawn in one place only.

The sprite kiosk_ui/static/glyphs.svg holds one <symbol> per shape, in option order, each
with its letter. The live pages (glyphs.js) and the console's server-rendered pages (the
`shape` macro of trainer_macros.html, fed by bank_pages.py) show a shape as a <use> of
its symbol. A second drawing, letter table or shape list anywhere else fails here;
tests/js/glyphs.test.mjs pins glyphs.js's letters and names to the same sprite.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from xml.etree import ElementTree

from babel.support import NullTranslations
from quizkiosk.web.bank_pages import OPTION_GLYPHS, question_view
from quizkiosk.web.pages import page_environment

from tests.unit.engine_fixtures import SINGLE
from tests.unit.test_bank_pages import demo_bank

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "kiosk_ui"
SPRITE = UI / "static" / "glyphs.svg"
SVG = "{http://www.w3.org/2000/svg}"
NAMES = ("triangle", "diamond", "circle", "square", "star", "hexagon")
# Who may name the sprite: the two ways of showing a shape and the server's reader of it.
SPRITE_USERS = {
    UI / "static" / "js" / "glyphs.js",
    UI / "templates" / "trainer_macros.html",
    ROOT / "server" / "web" / "bank_pages.py",
}


def symbols() -> list[ElementTree.Element]:
    return list(ElementTree.parse(SPRITE).getroot().iter(f"{SVG}symbol"))


def sources(*suffixes: str) -> list[Path]:
    found = [
        path
        for folder in (UI / "templates", UI / "static", ROOT / "server")
        for path in folder.rglob("*")
        if path.suffix in suffixes and path != SPRITE
    ]
    assert found
    return sorted(found)


def test_the_sprite_draws_six_shapes_lettered_a_to_f_in_a_24_box() -> None:
    drawn = symbols()
    assert [(s.get("data-letter"), s.get("id")) for s in drawn] == list(
        zip("ABCDEF", NAMES, strict=True)
    )
    for symbol in drawn:
        assert symbol.get("viewBox") == "0 0 24 24", symbol.get("id")
        [shape] = list(symbol)  # one drawing each
        assert shape.tag in {f"{SVG}polygon", f"{SVG}circle", f"{SVG}rect"}
        assert (
            "fill" not in shape.attrib and "style" not in shape.attrib
        )  # the page's CSS colours it
        numbers = [float(n) for n in re.split(r"[ ,]+", " ".join(shape.attrib.values()))]
        assert all(0 <= n <= 24 for n in numbers), symbol.get("id")


def test_the_console_takes_letters_and_shapes_from_the_sprite() -> None:
    assert tuple((s.get("data-letter"), s.get("id")) for s in symbols()) == OPTION_GLYPHS
    view = question_view(demo_bank(SINGLE), 1, SINGLE, "en")
    assert [(o.letter, o.shape) for o in view.options] == list(OPTION_GLYPHS[:4])


def test_the_console_shows_a_shape_as_a_use_of_the_sprite() -> None:
    env = page_environment(NullTranslations())
    macros = env.get_template("trainer_macros.html").module
    for name in NAMES:
        drawn = str(macros.shape(name))  # type: ignore[attr-defined]
        assert drawn == (
            f'<svg class="shape shape-{name}" viewBox="0 0 24 24" aria-hidden="true" '
            f'focusable="false"><use href="/static/glyphs.svg#{name}"/></svg>'
        )


def test_no_template_or_script_draws_an_option_shape_of_its_own() -> None:
    geometry = {v for s in symbols() for shape in s for v in shape.attrib.values() if "," in v}
    copies = []
    for path in sources(".html", ".js", ".css", ".py"):
        text = path.read_text(encoding="utf-8")
        drawn_here = "<polygon" in text or '"polygon"' in text
        if path.suffix in {".html", ".js"} and drawn_here:
            copies.append(f"{path.relative_to(ROOT)}: draws a polygon")
        copies += [f"{path.relative_to(ROOT)}: {g}" for g in geometry if g in text]
        if "glyphs.svg" in text and path not in SPRITE_USERS:
            copies.append(f"{path.relative_to(ROOT)}: names the sprite")
    assert copies == []


def test_no_template_lists_the_shapes() -> None:
    # The templates get an option's shape from the server's view, never by name.
    listed = [
        f"{path.relative_to(ROOT)}: {word}"
        for path in sources(".html")
        for word in ("triangle", "diamond", "hexagon")
        if re.search(rf"\b{word}\b", path.read_text(encoding="utf-8"))
    ]
    assert listed == []


def test_no_python_module_keeps_its_own_letters_or_shape_names() -> None:
    copies = []
    for path in sources(".py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Constant) and node.value == "ABCDEF":
                copies.append(f"{where}: the letters")
            if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict):
                items = node.keys if isinstance(node, ast.Dict) else node.elts
                words = {i.value for i in items if isinstance(i, ast.Constant)}
                if len(words & set(NAMES)) >= 5:
                    copies.append(f"{where}: the shape names")
    assert copies == []
