"""Live reload for designers: watch ``flows/`` and ``locale/``, serve each valid edit as a new
version, keep the old one serving when an edit is invalid.

    redirection-bot serve --reload

Polls file names, sizes and modification times (no extra dependency, works on every file system
and in containers where change notifications do not cross the mount). A change is loaded and
linted as at start-up: if it is valid, new conversations start on the new version while those
in progress finish on theirs (``Engine.load``); if not, the lint errors go to standard error and
the old version keeps serving. Messages name files, places and keys, never anything a user typed.
Flows and catalogs are reloaded; the engine's screening and lapse phrases are the ones it started
with (restart the server to load an edit of them; ``redirection-bot lint`` checks it at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.bootstrap import load_flowset
from bot.engine import Engine, FlowSet
from bot.errors import LintFailed

__all__ = ["DEFAULT_INTERVAL", "KEEP_VERSIONS", "Reloader", "reload_ctx"]

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 1.0
KEEP_VERSIONS = 8
"""Versions kept for conversations in progress; older ones are dropped (a conversation still on
one gets the web layer's "session gone" answer, with the crisis resources)."""

Snapshot = tuple[tuple[str, int, int], ...]


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class Reloader:
    """Checks ``content/flows`` and ``content/locale`` for changes; loads them into ``engine``."""

    def __init__(
        self,
        engine: Engine,
        content: Path,
        *,
        interval: float = DEFAULT_INTERVAL,
        report: Callable[[str], None] = _stderr,
        load: Callable[[Path], FlowSet] = load_flowset,
    ) -> None:
        self.engine = engine
        self.content = content
        self.interval = interval
        self.report = report
        self.load = load
        self.seen = self.snapshot()

    def snapshot(self) -> Snapshot:
        """Every file under flows/ and locale/: relative name, size, modification time."""
        out = []
        for folder in ("flows", "locale"):
            root = self.content / folder
            if not root.is_dir():
                continue
            for path in root.rglob("*"):
                try:
                    st = path.stat()
                except OSError:  # removed while we looked: the next poll sees it gone
                    continue
                if path.is_file():
                    out.append((str(path.relative_to(self.content)), st.st_size, st.st_mtime_ns))
        return tuple(sorted(out))

    def changed(self) -> bool:
        now = self.snapshot()
        if now == self.seen:
            return False
        self.seen = now
        return True

    def check(self) -> str | None:
        """Load the content if it changed; the new version's id, or None when nothing was
        loaded (no change, the same content again, or errors)."""
        if not self.changed():
            return None
        return self.reload()

    def reload(self) -> str | None:
        """Load now; the new version's id, or None (errors, or the same content again)."""
        flowset = self.prepare()
        return self.serve(flowset) if flowset is not None else None

    def prepare(self) -> FlowSet | None:
        """Load and lint the content (safe in a thread: the engine is not touched); report
        errors. None when there is nothing new to serve."""
        current = self.engine.current.version
        try:
            flowset = self.load(self.content)
        except LintFailed as err:
            errors = [p for p in err.problems if p.severity == "error"]
            for problem in errors:
                self.report(str(problem))
            self.report(f"reload: {len(errors)} error(s); still serving version {current}")
            return None
        except Exception as err:  # a file half-written or unreadable: keep serving
            self.report(f"reload: could not load the content ({type(err).__name__}: {err}); "
                        f"still serving version {current}")
            return None
        return None if flowset.version == current else flowset

    def serve(self, flowset: FlowSet) -> str:
        """Serve ``flowset`` to new conversations; drop versions past ``KEEP_VERSIONS``."""
        old = self.engine.current.version
        self.engine.load(flowset)
        versions = self.engine.versions
        for version in list(versions)[: max(0, len(versions) - KEEP_VERSIONS)]:
            if version != flowset.version:
                del versions[version]
        self.report(f"reload: now serving version {flowset.version} to new conversations "
                    f"(conversations in progress finish on {old})")
        log.info("reloaded: version %s", flowset.version)
        return flowset.version

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Poll until ``stop`` is set (or until cancelled); loading runs in a thread, so turns
        are not held up. The wait is on the event, not a sleep to be cancelled."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval):
                    await stop.wait()
            if stop.is_set():
                return
            if self.changed():
                flowset = await asyncio.to_thread(self.prepare)
                if flowset is not None and flowset.version != self.engine.current.version:
                    self.serve(flowset)


def reload_ctx(
    content: Path, interval: float = DEFAULT_INTERVAL, report: Callable[[str], None] = _stderr
) -> Any:
    """An aiohttp ``cleanup_ctx`` that runs a ``Reloader`` on the app's engine (``report``
    gets its lines: stderr, or a test's event)."""
    from bot.web.app import STOP_GRACE, stop_task
    from bot.web.state import ENGINE

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        reloader = Reloader(app[ENGINE], content, interval=interval, report=report)
        stop = asyncio.Event()
        task = asyncio.create_task(reloader.run(stop))
        report(f"reload: watching {content / 'flows'} and {content / 'locale'}")
        try:
            yield
        finally:
            await stop_task(task, stop, grace=STOP_GRACE)

    return ctx
