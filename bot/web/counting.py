"""Moving the engine's aggregate counters (``bot.counters``) into the session store: every
``FLUSH_INTERVAL`` seconds and once more at shutdown, in one write per batch.

With the memory store the totals stay in this process (and the feedback answers are logged,
ids and numbers only, when it stops); with Redis every process adds to the same day hashes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator

from aiohttp import web

from bot.counters import Counters, parse_field
from bot.web.state import ENGINE, STORE
from bot.web.store import StoreError

__all__ = ["FLUSH_INTERVAL", "flush_counters", "install_counters"]

log = logging.getLogger(__name__)

FLUSH_INTERVAL = 10.0
"""Seconds between two writes of the pending counters to the store."""


def counters_of(app: web.Application) -> Counters | None:
    events = app[ENGINE].events
    return events if isinstance(events, Counters) else None


async def flush_counters(app: web.Application) -> int:
    """Write the pending counters to the store now; how many events. On a store error they
    stay pending for the next try."""
    counters = counters_of(app)
    if counters is None:
        return 0
    taken = counters.take()
    if not taken:
        return 0
    try:
        await app[STORE].add_counts(taken)
    except StoreError:
        counters.give_back(taken)
        raise
    return sum(taken.values())


def install_counters(app: web.Application, interval: float = FLUSH_INTERVAL) -> None:
    """Flush the counters of ``app``'s engine (if it has ``Counters``) while the app runs; call
    after the store's cleanup context, so the last flush happens before the store closes."""

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        if counters_of(app) is None:
            yield
            return
        stop = asyncio.Event()
        task = asyncio.create_task(_flush_every(app, interval, stop))
        try:
            yield
        finally:
            from bot.web.app import STOP_GRACE, stop_task

            await stop_task(task, stop, grace=STOP_GRACE)
            try:
                await flush_counters(app)
            except StoreError as err:
                log.warning("counters not saved at shutdown: %s", err)
            _log_feedback_totals(app)

    app.cleanup_ctx.append(ctx)


async def _flush_every(app: web.Application, interval: float, stop: asyncio.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(interval):
                await stop.wait()
        if stop.is_set():
            return
        try:
            await flush_counters(app)
        except StoreError as err:  # kept pending; the next flush tries again
            log.warning("counters not saved: %s", err)


def _log_feedback_totals(app: web.Application) -> None:
    """The memory store's counters end with the process: log the feedback answers (module 12),
    ids and numbers only, so an operator without Redis still sees them."""
    days = getattr(app[STORE], "counts", None)
    if not isinstance(days, dict):
        return
    totals: Counter[str] = Counter()
    for fields in days.values():
        for field, n in fields.items():
            name, label = parse_field(field)
            if name == "feedback_answer":
                totals[label] += n
    if totals:
        log.info("feedback totals: %s", " ".join(f"{k}={n}" for k, n in sorted(totals.items())))
