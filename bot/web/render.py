"""Pages from the Jinja2 templates in ``bot/web/templates/`` (aiohttp-jinja2, autoescape on).

Python hands a template its data; all markup lives in the templates, one base layout
(``base.html``) included, so the layout can change without touching Python:

    return render(request, "help.html", locale, resources=resource_views(...))
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.web.phones import PhoneFinder, tel_href
from bot.web.state import ENGINE, TEXTS

__all__ = ["phone_finder", "render", "resource_views", "setup_templates"]


def setup_templates(app: web.Application) -> None:
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        default_helpers=False,
    )


@functools.lru_cache(maxsize=8)
def _finder(digits: frozenset[str]) -> PhoneFinder:
    return PhoneFinder(digits)


def phone_finder(request: web.Request) -> PhoneFinder:
    """Finds the numbers of the resource directory of the version being served."""
    return _finder(frozenset(request.app[ENGINE].current.resources.phone_numbers()))


def render(request: web.Request, template: str, locale: str, *, status: int = 200,
           headers: Mapping[str, str] | None = None, script: bool = True,
           **context: Any) -> web.Response:
    """``template`` in ``locale``: the page gets ``t(key, **slots)``, ``lang`` and ``phones``."""
    texts = request.app[TEXTS]

    def t(key: str, **slots: str) -> str:
        return texts.t(locale, key, **slots)

    data = {"t": t, "lang": locale, "phones": phone_finder(request).split, "script": script,
            "session": None, "seq": None, **context}
    response = aiohttp_jinja2.render_template(template, request, data, status=status)
    if headers:
        response.headers.update(headers)
    return response


def resource_views(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One shape for the template from either source: ``help_resources`` entries (``phone``,
    ``text``) or ``Reply.resources`` items (``number``, ``tel``, ``description``)."""
    out = []
    for item in items:
        number = item.get("number") or item.get("phone")
        tel = item.get("tel")
        url = item.get("url")
        out.append({
            "name": item.get("name", ""),
            "description": item.get("description") or "",
            "kind": item.get("kind") or "",
            "number": number,
            "tel": ("tel:" + tel) if tel else (tel_href(number) if number else None),
            "url": url,
            "site": _site(url) if url else None,
            "text": item.get("text") or item.get("name", ""),
        })
    return out


def _site(url: str) -> str:
    """What a person reads for a link: the host and path, without the scheme."""
    parts = urlsplit(url)
    shown = parts.netloc.removeprefix("www.") + parts.path.rstrip("/")
    return shown or url
