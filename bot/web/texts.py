"""The web pages' own words (``web.*`` keys in each catalog) and the choice of a language."""

from __future__ import annotations

from aiohttp import web

from bot.engine import Engine

__all__ = ["Texts"]


class Texts:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def locales(self) -> list[tuple[str, str]]:
        """(code, the language's own name) for every catalog."""
        return [(code, cat.meta.name) for code, cat in self.engine.current.catalogs.items()]

    def known(self, locale: str | None) -> bool:
        return locale is not None and locale in self.engine.current.catalogs

    def t(self, locale: str, key: str, **slots: str) -> str:
        catalogs = self.engine.current.catalogs
        catalog = catalogs.get(locale) or catalogs["en"]
        return catalog.messages[key].render(slots)

    def pick(self, request: web.Request, wanted: str | None = None) -> str:
        """``wanted`` if known, else the first known language of Accept-Language, else English."""
        if self.known(wanted):
            assert wanted is not None
            return wanted
        header = request.headers.get("Accept-Language", "")[:200]
        for part in header.split(","):
            code = part.split(";")[0].strip().lower()[:2]
            if self.known(code):
                return code
        return "en"
