"""The crisis resources every page and every error reply carries (S3).

One function, so that the resource directory (``bot/resources.py``, helplines by locale, country
and category) replaces it with a single edit. Until then the resources are the catalog's own
``help.*`` messages: written and reviewed as content, never invented here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.engine import FlowSet

__all__ = ["help_resources"]

_SKIP = frozenset({"help.title"})


def help_resources(flowset: FlowSet, locale: str) -> list[dict[str, str]]:
    """``[{"key": "help.emergency", "text": "..."}, ...]`` in ``locale`` (English if unknown)."""
    catalog = flowset.catalogs.get(locale) or flowset.catalogs.get("en")
    if catalog is None:
        catalog = next(iter(flowset.catalogs.values()))
    return [
        {"key": key, "text": template.render(None)}
        for key, template in catalog.messages.items()
        if key.startswith("help.") and key not in _SKIP
    ]
