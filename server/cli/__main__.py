"""`python -m server.cli` runs the `quizkiosk` command."""

from __future__ import annotations

import sys

from server.cli import main

sys.exit(main())
