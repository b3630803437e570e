"""Aggregate-only counts of the choices a flow marks ``tally: true`` (the feedback module).

A count is a number per (flow, state, option id), shared by every conversation of the process:
nothing is kept with a conversation, and no count can be traced back to one. The server logs
the totals when it stops (identifiers and numbers only)::

    feedback totals: feedback.helped.yes=12 feedback.helped.a_bit=5
"""

from __future__ import annotations

from collections import Counter

__all__ = ["Tally"]


class Tally:
    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, str]] = Counter()

    def __call__(self, flow: str, state: str, option: str) -> None:
        self.counts[(flow, state, option)] += 1

    def totals(self) -> dict[str, int]:
        """``{"flow.state.option": n}``, sorted by name."""
        return {".".join(k): n for k, n in sorted(self.counts.items())}
