"""Build a ready engine from a content folder: the one place every entry point (chat, replay,
serve, tests) gets its engine from, so they all run the same program the same way."""

from __future__ import annotations

from pathlib import Path

from bot.engine import Engine, FlowSet

__all__ = ["load_engine", "load_flowset"]


def load_flowset(content: Path) -> FlowSet:
    """Load, lint and compile ``content/flows`` and ``content/locale``; ``LintFailed`` on errors."""
    return FlowSet.from_paths(content / "flows", content / "locale", base=content)


def load_engine(content: Path) -> Engine:
    return Engine(load_flowset(content))
