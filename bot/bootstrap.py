"""Build a ready engine from a content folder: the one place every entry point (chat, replay,
serve, tests) gets its engine from, so they all run the same program the same way."""

from __future__ import annotations

from pathlib import Path

from bot.counters import Counters
from bot.engine import Engine, FlowSet
from bot.lapse import LapseFinder
from bot.screening import Screener

__all__ = ["load_engine", "load_flowset"]


def load_flowset(content: Path) -> FlowSet:
    """Load, lint and compile ``content/flows`` and ``content/locale``; ``LintFailed`` on errors."""
    return FlowSet.from_paths(content / "flows", content / "locale", base=content)


def load_engine(content: Path) -> Engine:
    """The program with crisis screening (S1), the lapse path typed anywhere, and aggregate
    counters (``bot.counters``: day totals, no link to a conversation); refuses to start if a
    language has no screening or lapse phrases."""
    flowset = load_flowset(content)
    screener = Screener.from_dir(content / "locale", base=content)
    finder = LapseFinder.from_dir(content / "locale", base=content)
    for locale in flowset.catalogs:
        screener.check_locale(locale)
        if finder.languages:  # a program without a lapse path has no lapse phrases at all
            finder.check_locale(locale)
    lapse = finder if finder.languages else None
    return Engine(flowset, screen=screener.screen, events=Counters(), lapse=lapse)
