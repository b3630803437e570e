"""Every error carries help, aiohttp's own low-level 400s included (S3): each of the sixteen
kinds of malformed request gets JSON with the crisis resources when aimed at the API and the
error page with them elsewhere, with the strict headers and no echo of the request; a body that
is not what its Content-Encoding says is a 400 with help, never a 500."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from bench.malformed import MALFORMED

KINDS = sorted(MALFORMED("/"))


async def raw(client: Any, data: bytes) -> tuple[int, dict[str, str], bytes]:
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(data)
    await writer.drain()
    reply = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    await writer.wait_closed()
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split(" ")[1]), {k.lower(): v for k, v in headers.items()}, body


def test_the_corpus_has_sixteen_kinds() -> None:
    assert len(KINDS) == 16


@pytest.mark.parametrize("kind", KINDS)
async def test_a_malformed_api_request_gets_json_with_help(client: Any, kind: str) -> None:
    status, headers, body = await raw(client, MALFORMED("/api/v1/start")[kind])
    assert 400 <= status < 500
    assert headers["content-type"].startswith("application/json"), (kind, body[:200])
    data = json.loads(body)
    assert data["error"]["code"] and data["error"]["message"] and data["help"]
    assert headers["cache-control"] == "no-store" and "content-security-policy" in headers
    assert b"zq-canary" not in body


@pytest.mark.parametrize("kind", KINDS)
async def test_a_malformed_page_request_gets_the_error_page_with_help(
    client: Any, kind: str
) -> None:
    status, headers, body = await raw(client, MALFORMED("/chat")[kind])
    assert 400 <= status < 500
    assert headers["content-type"].startswith("text/html"), (kind, body[:200])
    page = body.decode()
    assert 'class="resources"' in page and 'href="tel:' in page
    assert headers["cache-control"] == "no-store"
    assert "zq-canary" not in page


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
@pytest.mark.parametrize("path", ["/api/v1/start", "/chat"])
async def test_a_body_that_is_not_its_content_encoding_is_400_with_help(
    client: Any, encoding: str, path: str
) -> None:
    ctype = "application/json" if path.startswith("/api/") else "application/x-www-form-urlencoded"
    body = b'{"locale": "en"}' if path.startswith("/api/") else b"action=start&locale=en"
    status, _, reply = await raw(client, (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {ctype}\r\n"
        f"Content-Encoding: {encoding}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body)
    assert status == 400, reply[:300]
    if path.startswith("/api/"):
        data = json.loads(reply)
        assert data["error"]["code"] == "unreadable" and data["help"]
    else:
        assert 'class="resources"' in reply.decode()


async def test_every_status_a_route_answers_is_in_the_openapi_document(client: Any) -> None:
    """Wrong methods, malformed HTTP and undecodable bodies on every route: each status is
    documented for that route and the body fits the documented schema."""
    from jsonschema import Draft202012Validator

    doc = await (await client.get("/api/v1/openapi.json")).json()
    seen: set[tuple[str, int]] = set()
    for path, item in doc["paths"].items():
        documented: dict[str, Any] = {}
        for operation in item.values():
            documented.update(operation["responses"])
        replies: list[tuple[int, bytes]] = []
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            resp = await client.request(method, path, data=b"{}", headers={
                "Content-Type": "application/json"})
            replies.append((resp.status, await resp.read()))
        for data in (MALFORMED(path)["header over 8 KB"], MALFORMED(path)["bad chunk size"],
                     f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}".encode()):
            status, _, body = await raw(client, data)
            replies.append((status, body))
        for status, body in replies:
            assert str(status) in documented, (path, status, body[:200])
            seen.add((path, status))
            content = documented[str(status)].get("content")
            if content is None:
                assert body == b""
                continue
            schema = {**content["application/json"]["schema"], "components": doc["components"]}
            Draft202012Validator(schema).validate(json.loads(body))
    assert {status for _, status in seen} >= {200, 201, 400, 405}
