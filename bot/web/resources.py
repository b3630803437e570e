"""The crisis resources every page and every error reply carries (S3): first the program's own
emergency advice in the user's language (the catalog's ``help.emergency``), then the resource
directory (``resources/``) of the version being served: emergency numbers first, then the crisis
services that speak the user's language. Only entries the directory holds; never invented."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.engine import FlowSet

__all__ = ["help_resources"]


def help_resources(flowset: FlowSet, locale: str) -> list[dict[str, str]]:
    """``[{"id": "stop_it_now_uk", "name": ..., "phone": ..., "url": ..., "text": ...}, ...]``:
    ``text`` is the line a page shows (``Name: contact``). Unknown locales get English."""
    known = locale if locale in flowset.catalogs else "en"
    messages = flowset.catalogs[known].messages
    out: list[dict[str, str]] = []
    advice, title = messages.get("help.emergency"), messages.get("help.title")
    if advice is not None:  # this runs on every error path: it must not fail on any content
        out.append({
            "id": "emergency_advice",
            "name": title.render(None) if title is not None else "",
            "kind": "advice",
            "text": advice.render(None),
        })
    for res in flowset.resources.select(known, categories=flowset.program.crisis):
        entry = {"id": res.id, "name": res.name, "kind": res.kind}
        contact = [c for c in (res.contact.phone, res.contact.text, res.contact.url) if c]
        if res.contact.phone:
            entry["phone"] = res.contact.phone
        if res.contact.url:
            entry["url"] = str(res.contact.url)
        entry["text"] = f"{res.name}: {' / '.join(str(c) for c in contact)}"
        out.append(entry)
    return out
