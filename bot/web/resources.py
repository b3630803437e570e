"""The crisis resources every page and every error reply carries (S3): first the program's own
emergency advice in the user's language (the catalog's ``help.emergency``), then the resource
directory (``resources/``) of the version being served, chosen by the same function as the
chat's help (``Directory.for_help``): the help page, the in-chat help and error pages show the
same list, each entry in the page's language. Only entries the directory holds; never invented."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.resources import plain_line

if TYPE_CHECKING:
    from bot.engine import FlowSet

__all__ = ["help_resources", "view_dict"]


def help_resources(flowset: FlowSet, locale: str) -> list[dict[str, Any]]:
    """``[{"id", "name", "description", "number", "tel", "sms", "url", "country", "kind",
    "text"}, ...]`` (the fields of ``Reply.resources``, AGREEMENTS item 1) plus ``text``, the
    line a page shows ("name: number (url)"). Unknown locales get English."""
    known = locale if locale in flowset.catalogs else "en"
    messages = flowset.catalogs[known].messages
    out: list[dict[str, Any]] = []
    advice, title = messages.get("help.emergency"), messages.get("help.title")
    if advice is not None:  # this runs on every error path: it must not fail on any content
        text = advice.render(None)
        out.append({
            "id": "emergency_advice",
            "name": title.render(None) if title is not None else "",
            "description": text,
            "number": None, "tel": None, "sms": None, "url": None, "country": None,
            "kind": "advice",
            "text": text,
        })
    directory = flowset.resources
    for view in directory.views(directory.for_help(known), known):
        out.append({**view_dict(view), "text": plain_line(view)})
    return out


def view_dict(view: Any) -> dict[str, Any]:
    """A ``ResourceView`` as JSON (AGREEMENTS item 1)."""
    return {
        "id": view.id, "name": view.name, "description": view.description,
        "number": view.number, "tel": view.tel, "sms": view.sms, "url": view.url,
        "country": view.country, "kind": view.kind,
    }
