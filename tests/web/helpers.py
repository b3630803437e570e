"""Small helpers the web suites share."""

from __future__ import annotations

import re
from typing import Any

from bot.web.openapi import openapi_document

JSON = {"Content-Type": "application/json"}


async def start(client: Any, locale: str = "en") -> dict[str, Any]:
    resp = await client.post("/api/v1/start", json={"locale": locale})
    assert resp.status == 201, await resp.text()
    return dict(await resp.json())


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
