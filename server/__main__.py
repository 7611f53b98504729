"""`python -m quizkiosk` runs the `quizkiosk` command (e.g. `python -m quizkiosk serve`)."""

from __future__ import annotations

import sys

from quizkiosk.cli import main

sys.exit(main())
