"""The archive's per-topic totals, brought up to date before a roll-up reads them.

The archive keeps per-topic totals as answers are written (quizkiosk.archive.
topic_totals), but the topics are the banks' tags, which only the server knows. Before
the refresher list or the heat map is read, this copies the loaded banks' topics into
the archive if they changed since the last time (a bank added, edited or removed), and
recomputes the sessions that queued — after an upgrade, every archived session once
(migration 8's back-fill), one session per transaction so live games keep recording.
"""

from __future__ import annotations

import asyncio
import weakref

from quizkiosk.archive.records import Archive
from quizkiosk.archive.topic_totals import TopicRow
from quizkiosk.reports.staff import topic_rows
from quizkiosk.web.state import AppState

SESSIONS_PER_ROUND = 50  # sessions recomputed per read of the queue

_synced: weakref.WeakKeyDictionary[Archive, frozenset[TopicRow]] = weakref.WeakKeyDictionary()
_locks: weakref.WeakKeyDictionary[Archive, asyncio.Lock] = weakref.WeakKeyDictionary()


async def fresh_topic_totals(state: AppState) -> None:
    archive = state.archive
    rows = frozenset(topic_rows(state.catalog.banks.values()))
    lock = _locks.setdefault(archive, asyncio.Lock())
    async with lock:  # two readers at once recompute nothing twice
        if _synced.get(archive) != rows:
            await archive.sync_topics(rows)
            _synced[archive] = rows
        while await archive.recompute_stale_topics(SESSIONS_PER_ROUND):
            pass
