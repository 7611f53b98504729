"""Durable results: what is kept (records), and where (the SQLite archive)."""

from __future__ import annotations

from quizkiosk.archive.migrations import LATEST_VERSION, SchemaVersionError
from quizkiosk.archive.records import (
    AnswerRecord,
    Archive,
    GameRecord,
    GameResults,
    ParticipantRecord,
    StandingRecord,
)
from quizkiosk.archive.sqlite import SqliteArchive, UnknownGameError
from quizkiosk.archive.writer import ArchiveClosedError

__all__ = [
    "LATEST_VERSION",
    "AnswerRecord",
    "Archive",
    "ArchiveClosedError",
    "GameRecord",
    "GameResults",
    "ParticipantRecord",
    "SchemaVersionError",
    "SqliteArchive",
    "StandingRecord",
    "UnknownGameError",
]
