"""Scripted conversations over the v1 JSON API: the ``Driver`` that ``replay --url`` uses.

    driver = HttpDriver("http://127.0.0.1:8080")
    run_script(script, driver)      # start, turn (session + seq), end, as a browser would

Standard library only (``urllib``), so it runs wherever the bot's tools do.
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from bot.errors import RemoteError
from bot.session import UserInput

__all__ = ["HttpDriver"]


class HttpDriver:
    """One conversation at a time against a server's ``/api/v1``."""

    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise RemoteError(f"'{base_url}' is not an http:// or https:// address of a server")
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        self.session: str | None = None
        self.seq = 0

    def start(self, locale: str, flow: str | None) -> dict[str, Any]:
        if flow is not None:
            raise RemoteError(
                f"the API starts every conversation at the program's start, not in flow '{flow}'"
            )
        reply = self._post("/api/v1/start", {"locale": locale}, 201)
        self.session, self.seq = reply["session"], reply["seq"]
        return reply

    def turn(self, user: UserInput) -> dict[str, Any]:
        if self.session is None:
            raise RemoteError("no conversation started")
        body: dict[str, Any] = {"session": self.session, "seq": self.seq}
        if user.choice is not None:
            body["choice"] = user.choice
        elif user.text is not None:
            body["text"] = user.text
        else:
            body["command"] = user.command
        reply = self._post("/api/v1/turn", body, 200)
        self.seq = reply["seq"]
        return reply

    def close(self) -> None:
        """End the conversation on the server (nothing of it is kept there afterwards)."""
        if self.session is not None:
            token, self.session = self.session, None
            # already gone (it ended) or the server is down: nothing is left to end
            with contextlib.suppress(RemoteError):
                self._post("/api/v1/end", {"session": token}, 204)

    def _post(self, path: str, body: dict[str, Any], expect: int) -> dict[str, Any]:
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, data = response.status, response.read()
        except urllib.error.HTTPError as err:
            status, data = err.code, err.read()
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise RemoteError(f"POST {self.base}{path}: no answer ({reason})") from err
        if status != expect:
            raise RemoteError(f"POST {path}: {status} {_error_text(data)}")
        if status == 204:
            return {}
        try:
            reply = json.loads(data)
        except ValueError as err:
            raise RemoteError(f"POST {path}: the answer is not JSON") from err
        if not isinstance(reply, dict):
            raise RemoteError(f"POST {path}: the answer is not a JSON object")
        return reply


def _error_text(data: bytes) -> str:
    try:
        error = json.loads(data)["error"]
        return f"{error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        return data[:200].decode("utf-8", "replace")
