"""Keep user text, addresses, agents and crisis paths out of every log line (P3, P7).

Library loggers can write what we must not: aiohttp the peer address ("Error handling request
from 1.2.3.4") and tracebacks whose messages hold request bytes; ``transitions`` the state names
of every step at INFO and DEBUG ("Finished processing state q_wish ...", which tells that someone
is on the suicide path); asyncio the socket of a failed ``accept``, once per attempt (tens of
thousands of lines when a flood exhausts file descriptors). ``scrub_library_logs`` installs, on
each such logger, a filter that rewrites every record to its level, logger and exception type,
drops ``transitions`` records below WARNING, and lets through at most one record per
``RATE_WINDOW`` seconds of each (logger, level, exception type), counting the rest. It is installed
by ``bot.bootstrap.load_engine`` and by the web app, whatever the configured log level. Our own
modules log identifiers and counts only: never a flow or state name.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

__all__ = ["QUIET_LOGGERS", "RATE_WINDOW", "SCRUBBED_LOGGERS", "Scrub", "scrub_library_logs"]

SCRUBBED_LOGGERS = (
    "aiohttp.access", "aiohttp.client", "aiohttp.internal", "aiohttp.server",
    "aiohttp.web", "aiohttp.websocket", "asyncio",
    "transitions.core", "transitions.extensions.nesting", "transitions.extensions.asyncio",
)
QUIET_LOGGERS = ("transitions.core", "transitions.extensions.nesting",
                 "transitions.extensions.asyncio")
"""Loggers whose records below WARNING are dropped: they tell nothing but state names."""
RATE_WINDOW = 10.0


class Scrub(logging.Filter):
    """Replace a record's message, arguments and traceback by the exception's type name; drop
    it below ``quiet_below``; let one record per ``window`` seconds of each kind through."""

    def __init__(
        self, *, quiet_below: int = logging.NOTSET, window: float = RATE_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.quiet_below = quiet_below
        self.window = window
        self.clock = clock
        self._last: dict[tuple[str, int, str], float] = {}
        self._held: dict[tuple[str, int, str], int] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < self.quiet_below:
            return False
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else "event"
        key = (record.name, record.levelno, kind)
        now = self.clock()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.window:
                self._held[key] = self._held.get(key, 0) + 1
                return False
            self._last[key] = now
            held = self._held.pop(key, 0)
        more = f"; {held} more like it in the last {self.window:.0f} s" if held else ""
        record.msg = f"{record.name}: {kind} (details withheld{more})"
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


_FILTERS = {
    name: Scrub(quiet_below=logging.WARNING if name in QUIET_LOGGERS else logging.NOTSET)
    for name in SCRUBBED_LOGGERS
}


def scrub_library_logs() -> None:
    """Install the filters on the library loggers (idempotent)."""
    for name, scrub in _FILTERS.items():
        logger = logging.getLogger(name)
        if scrub not in logger.filters:
            logger.addFilter(scrub)
