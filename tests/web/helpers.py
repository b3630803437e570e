"""Small helpers the web suites share."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.web.openapi import openapi_document

JSON = {"Content-Type": "application/json"}


async def start(client: Any, locale: str = "en") -> dict[str, Any]:
    resp = await client.post("/api/v1/start", json={"locale": locale})
    assert resp.status == 201, await resp.text()
    return dict(await resp.json())


TO_MENU = ("continue", "understood", "adult", "safe", "menu")
"""Option ids from the welcome to the menu."""
TO_REASON = ("why_change", "unsure", "r0", "children")
"""Option ids from the menu to module 1's free-text question (at most 300 characters)."""
LABELS_TO_REASON = {
    "en": ["Tell me more", "Understood", "18 or over", "Yes, I'm safe", "Go to the menu",
           "1. Why change", "I'm thinking about it, but I'm unsure", "0",
           "Children are harmed by this material"],
    "fi": ["Kerro lisää", "Selvä", "18 tai yli", "Kyllä, olen turvassa", "Siirry valikkoon",
           "1. Miksi muuttaa", "Mietin sitä, mutta olen epävarma", "0",
           "Tämä materiaali vahingoittaa lapsia"],
}
"""The same path as the buttons say it."""


async def turn(
    client: Any, reply: dict[str, Any], status: int = 200, **what: Any
) -> dict[str, Any]:
    body = {"session": reply["session"], "seq": reply["seq"], **what}
    resp = await client.post("/api/v1/turn", json=body)
    assert resp.status == status, await resp.text()
    return dict(await resp.json())


def check_schema(name: str, data: Any) -> None:
    """Validate ``data`` against ``#/components/schemas/<name>`` of the served OpenAPI doc."""
    from jsonschema import Draft202012Validator

    doc = openapi_document()
    schema = {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
    Draft202012Validator(schema).validate(data)


def hidden_fields(html: str, form_id: str | None = None) -> dict[str, str]:
    """The hidden inputs of the first form (or of the form with ``form_id``)."""
    if form_id is not None:
        m = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S)
        assert m, f"no form #{form_id}"
        html = m.group(0)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 10.0) -> bool:
    """Whether ``check()`` becomes true within ``within`` seconds: for what a real clock drives
    (Redis TTLs, a sweeper's interval), asked again after each short wait, instead of one
    fixed sleep that is too short on a loaded machine and too long on a quiet one."""
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def wait_until(check: Callable[[], bool], what: str, within: float = 10.0, every: float = 0.05) -> None:
    """Return once ``check()`` is true; fail the test, naming ``what``, if it is not within
    ``within`` seconds. The one polling loop of the synchronous suites (a process's start or
    exit, a key's removal), for what only a real clock drives; :func:`eventually` is the same
    for coroutines. ``check`` may itself fail the test early (a process that exited)."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {within:g} s waiting for {what}")
        time.sleep(every)
