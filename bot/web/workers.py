"""``serve --workers N``: N server processes on one port (``SO_REUSEPORT``: the kernel spreads
connections), forked from a parent that loaded and linted the content once. They need a store
they share (Redis); the memory store is refused. They stop together: SIGTERM or SIGINT to the
parent stops every worker, and a worker that exits on its own stops the others.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
from collections.abc import Callable, Sequence
from types import FrameType

from bot.errors import BotError

__all__ = ["WorkersError", "check_workers", "run_workers"]

log = logging.getLogger(__name__)

STOP_TIMEOUT = 15.0
"""Seconds a worker has to finish after SIGTERM before it is killed."""


class WorkersError(BotError):
    """``serve --workers`` cannot run as asked."""


def check_workers(
    workers: int, store: str, *, reload: bool = False, port: int | None = None,
    metrics_port: int | None = None,
) -> None:
    """Refuse what N processes cannot do: fewer than one, the memory store, ``--reload``, and
    metrics ports (``metrics_port`` to ``metrics_port + N - 1``) that include the public port."""
    if workers < 1:
        raise WorkersError(f"--workers {workers}: pass 1 or more")
    if metrics_port is not None and port is not None and metrics_port <= port < metrics_port + workers:
        last = f"-{metrics_port + workers - 1}" if workers > 1 else ""
        raise WorkersError(
            f"--metrics-port {metrics_port} (ports {metrics_port}{last}) includes the public port "
            f"{port}: metrics are never served on it; pick another --metrics-port"
        )
    if workers == 1:
        return
    if store in ("memory", "memory://"):
        raise WorkersError(
            f"--workers {workers} needs a store the processes share, and the memory store lives "
            "in one process: pass --store redis://HOST:PORT/DB (a Redis without persistence), "
            "or --workers 1"
        )
    if reload:
        raise WorkersError(f"--reload runs one process: pass --workers 1 (not {workers})")


def run_workers(workers: int, serve_one: Callable[[int], None]) -> int:
    """Run ``serve_one(index)`` in ``workers`` forked processes until a signal or until one
    exits; 0 when stopped by a signal, 1 when a worker exited on its own."""
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_worker, args=(serve_one, i), name=f"worker-{i}") for i in range(workers)]
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        _terminate(procs)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for proc in procs:
            proc.start()
        log.info("%d workers started", workers)
        multiprocessing.connection.wait([p.sentinel for p in procs])
        if not stopping:
            gone = [p.name for p in procs if p.exitcode is not None]
            log.error("%s exited (code %s): stopping the others", ", ".join(gone),
                      ", ".join(str(p.exitcode) for p in procs if p.exitcode is not None))
        _terminate(procs)
        for proc in procs:
            proc.join(STOP_TIMEOUT)
            if proc.is_alive():
                proc.kill()
                proc.join()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if stopping else 1


def _terminate(procs: Sequence[multiprocessing.process.BaseProcess]) -> None:
    for proc in procs:
        if proc.pid is not None and proc.exitcode is None:
            proc.terminate()


def _worker(serve_one: Callable[[int], None], index: int) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)  # the worker's event loop installs its own
    try:
        serve_one(index)
    except BotError as err:
        print(f"redirection-bot: worker {index}: {err}", file=sys.stderr)
        sys.stdout.flush()
        os._exit(1)
