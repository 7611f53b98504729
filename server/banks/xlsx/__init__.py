"""Question banks as Excel workbooks: our template, Kahoot! imports and exports.

Trainers who do not write YAML fill in a spreadsheet instead.  Two layouts are
read:

* our template (`write_template`, `export_bank`): sheets "Bank", "Questions",
  "Cases" and "Case steps", one question per row, every language in its own
  column;
* the Kahoot! quiz spreadsheet: a "Question - max 120 characters" column, up to
  four "Answer N" columns, a time limit and the correct answer numbers, below a
  few rows of Kahoot's own instructions.  Kahoot has one language, so its texts
  are imported as the Uzbek (base) text and the bank lists only `uz`.

Either way the rows become a plain bank dict that goes through
`validate_bank_document`, the same rules as a YAML file, with a line map that
points every field at its Excel row.  Problems then name the workbook, the
sheet, the row and the column: `bank.xlsx[Questions]:7: correct: ...`.

One module a job: `layout` (sheets and columns of our template), `cells`
(reading one cell), `import_common` (what both readers share), `template_reader`,
`kahoot_reader`, `importer` (which layout a file has) and `writer` (template and
export).
"""

from __future__ import annotations

# Callers import from `quizkiosk.banks.xlsx` itself, so the public names stay here
# whichever module holds them.
from quizkiosk.banks.xlsx.cells import MAX_SECONDS, MIN_SECONDS, join_escaped, split_escaped
from quizkiosk.banks.xlsx.import_common import ImportResult, sanitised_id
from quizkiosk.banks.xlsx.importer import import_workbook
from quizkiosk.banks.xlsx.layout import (
    ACCEPTED_SEPARATOR,
    BANK_KEYS,
    BANK_SHEET,
    CASE_COLUMNS,
    CASE_STEP_COLUMNS,
    CASE_STEPS_SHEET,
    CASES_SHEET,
    INSTRUCTIONS_SHEET,
    OPTION_COLUMNS,
    QUESTION_COLUMNS,
    QUESTIONS_SHEET,
    TAG_SEPARATOR,
)
from quizkiosk.banks.xlsx.writer import export_bank, write_template

__all__ = [
    "ACCEPTED_SEPARATOR",
    "BANK_KEYS",
    "BANK_SHEET",
    "CASES_SHEET",
    "CASE_COLUMNS",
    "CASE_STEPS_SHEET",
    "CASE_STEP_COLUMNS",
    "INSTRUCTIONS_SHEET",
    "MAX_SECONDS",
    "MIN_SECONDS",
    "OPTION_COLUMNS",
    "QUESTIONS_SHEET",
    "QUESTION_COLUMNS",
    "TAG_SEPARATOR",
    "ImportResult",
    "export_bank",
    "import_workbook",
    "join_escaped",
    "sanitised_id",
    "split_escaped",
    "write_template",
]
