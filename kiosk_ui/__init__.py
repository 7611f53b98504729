"""Data only: the pages' templates, static files and translation catalogues.

Installed, this folder is the package `quizkiosk.kiosk_ui` (pyproject.toml maps it) so
that `quizkiosk.resources` finds it wherever quizkiosk is installed.
"""
