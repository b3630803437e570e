"""Keep user text, addresses and agents out of every log line (P3).

aiohttp's own loggers write the peer address ("Error handling request from 1.2.3.4") and
tracebacks whose messages can hold request bytes. ``scrub_library_logs`` rewrites each of their
records to its level, logger and exception type only. Our own modules log identifiers only.
"""

from __future__ import annotations

import logging

__all__ = ["SCRUBBED_LOGGERS", "Scrub", "scrub_library_logs"]

SCRUBBED_LOGGERS = (
    "aiohttp.access", "aiohttp.client", "aiohttp.internal", "aiohttp.server",
    "aiohttp.web", "aiohttp.websocket", "asyncio",
)


class Scrub(logging.Filter):
    """Replace a record's message, arguments and traceback by the exception's type name."""

    def filter(self, record: logging.LogRecord) -> bool:
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else None
        record.msg = f"{record.name}: {kind or 'event'} (details withheld)"
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


_SCRUB = Scrub()


def scrub_library_logs() -> None:
    """Install the filter on the library loggers (idempotent)."""
    for name in SCRUBBED_LOGGERS:
        logger = logging.getLogger(name)
        if _SCRUB not in logger.filters:
            logger.addFilter(_SCRUB)
