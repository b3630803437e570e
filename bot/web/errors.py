"""Errors the web edge answers with: a status, a code, a message in the user's language, and
always the crisis resources (S3)."""

from __future__ import annotations

from bot.errors import BotError

__all__ = ["WebError"]


class WebError(BotError):
    """A request the web layer refuses. ``code`` names a ``web.error.<code>`` message."""

    def __init__(
        self, status: int, code: str, *, locale: str | None = None,
        slots: dict[str, str] | None = None, headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.locale = locale
        self.slots = slots
        self.headers = headers or {}
