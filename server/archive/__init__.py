"""Durable results: what is kept (records), and where (the SQLite archive)."""

from __future__ import annotations

from server.archive.migrations import LATEST_VERSION, SchemaVersionError
from server.archive.records import (
    AnswerRecord,
    Archive,
    GameRecord,
    GameResults,
    ParticipantRecord,
    StandingRecord,
)
from server.archive.sqlite import SqliteArchive, UnknownGameError
from server.archive.writer import ArchiveClosedError

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
