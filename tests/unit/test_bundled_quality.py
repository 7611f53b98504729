"""The bundled banks pass `quizkiosk banks check --quality` with no open warning."""

from __future__ import annotations

from quizkiosk.banks.loader import BUNDLED_BANKS_DIR, load_banks
from quizkiosk.banks.quality import BankSource, check_quality, open_warnings


def test_every_bundled_bank_passes_the_quality_check() -> None:
    catalog = load_banks([BUNDLED_BANKS_DIR])
    sources = [
        BankSource.from_text(f.bank, f.path.name, f.path.read_text(encoding="utf-8"))
        for f in catalog.files
        if f.bank is not None
    ]
    assert len(sources) == len(catalog.files), "a bundled bank does not load; run banks check"
    found = [str(w) for w in open_warnings(check_quality(sources))]
    assert found == [], f"{len(found)} quality warnings:\n" + "\n".join(found)
