"""Data only: the bundled question banks (YAML) and their media.

Installed, this folder is the package `quizkiosk.question_banks` (pyproject.toml maps
it) so that `quizkiosk.resources` finds it wherever quizkiosk is installed.
"""
