"""Background tasks of the app stop on an event, within a bound, whatever the store is doing."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.web.app import _sweep, stop_task


class _SlowSweepStore:
    """A store whose sweep blocks until the test releases it (a Redis command in flight)."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.sweeps = 0

    async def sweep(self) -> int:
        self.sweeps += 1
        self.entered.set()
        await self.release.wait()
        return 0


async def test_the_sweeper_returns_when_stop_is_set_while_it_waits() -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(_sweep(_SlowSweepStore(), 3600.0, stop))  # type: ignore[arg-type]
    await asyncio.sleep(0)  # let it reach its wait
    await stop_task(task, stop, grace=5.0)
    assert task.done() and not task.cancelled()


async def test_the_sweeper_finishes_its_sweep_then_stops_without_being_cancelled() -> None:
    store = _SlowSweepStore()
    stop = asyncio.Event()
    task = asyncio.create_task(_sweep(store, 0.0, stop))  # type: ignore[arg-type]
    await store.entered.wait()
    stopping = asyncio.create_task(stop_task(task, stop, grace=5.0))
    await asyncio.sleep(0)
    assert stop.is_set() and not task.done()
    store.release.set()
    await stopping
    assert task.done() and not task.cancelled(), "a sweep in flight ends normally, not by cancel"
    assert store.sweeps == 1


async def test_a_task_that_swallows_cancellation_cannot_hang_shutdown() -> None:
    """The Python 3.11 lost-cancellation case (gh-86296): the task ignores both the stop event
    and a cancel; stopping still returns, within twice the grace period."""
    never = asyncio.Event()
    swallowed = 0

    async def stubborn() -> None:
        nonlocal swallowed
        while not never.is_set():
            try:
                await never.wait()
            except asyncio.CancelledError:
                swallowed += 1

    task: asyncio.Task[Any] = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    loop = asyncio.get_running_loop()
    began = loop.time()
    await stop_task(task, asyncio.Event(), grace=0.05)
    assert swallowed == 1
    assert loop.time() - began < 5.0
    never.set()  # let the stubborn task go, so the loop closes cleanly
    await asyncio.wait({task}, timeout=1.0)
    assert task.done()
