"""`python -m quizkiosk.cli` runs the `quizkiosk` command."""

from __future__ import annotations

import sys

from quizkiosk.cli import main

sys.exit(main())
