"""The v1 JSON API: the contract of DESIGN.md, idempotent seq, and every error path (each error
is a 4xx with a message and the crisis resources, never a 5xx for bad input). Runs against both
session stores."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.engine import MAX_INPUT_CHARS, Engine
from bot.web import WebConfig, create_app
from tests.web.conftest import make_client
from tests.web.helpers import JSON, TO_MENU, TO_REASON, check_schema, start, turn


async def test_start_gives_a_token_and_the_first_reply(client: Any) -> None:
    reply = await start(client, "es")
    check_schema("Reply", reply)
    assert len(reply["session"]) >= 43  # 256 bits, urlsafe base64
    assert reply["seq"] == 0 and reply["locale"] == "es" and reply["ended"] is False
    assert [o["id"] for o in reply["options"]] == ["continue", "leave"]
    assert reply["messages"][0]["text"].startswith("Hola")


async def test_start_defaults_to_english(client: Any) -> None:
    resp = await client.post("/api/v1/start", json={})
    assert resp.status == 201
    assert (await resp.json())["locale"] == "en"


async def test_tokens_are_unique(client: Any) -> None:
    tokens = {(await start(client))["session"] for _ in range(20)}
    assert len(tokens) == 20


async def test_a_full_module_by_choices_and_text(client: Any) -> None:
    r = await start(client)
    for choice in TO_MENU:
        r = await turn(client, r, choice=choice)
    assert r["flow"] == "menu"
    for choice in TO_REASON:
        r = await turn(client, r, choice=choice)
    assert r["input"] == "choice_or_text" and r["max_text"] == 300
    r = await turn(client, r, text="I want to be someone my family can trust")
    assert "someone my family can trust" in r["messages"][0]["text"]
    r = await turn(client, r, choice="right")
    r = await turn(client, r, command="menu")
    r = await turn(client, r, choice="finish")
    check_schema("Reply", r)
    assert r["ended"] is True and r["input"] == "none"
    # an ended conversation is gone
    await turn(client, r, status=410, choice="x")


async def test_repeating_a_seq_returns_the_same_reply(client: Any) -> None:
    r0 = await start(client)
    r1 = await turn(client, r0, choice="continue")
    again = await turn(client, r0, choice="continue")
    assert again == r1
    # even a different answer to the same seq gets the reply already given
    assert await turn(client, r0, choice="leave") == r1


async def test_a_stale_seq_is_refused_with_409(client: Any) -> None:
    r0 = await start(client)
    r1 = await turn(client, r0, choice="continue")
    await turn(client, r1, choice="ready")
    err = await turn(client, r0, status=409, choice="continue")
    check_schema("Error", err)
    assert err["error"]["code"] == "stale_seq" and err["help"]


async def test_a_seq_from_the_future_is_refused_with_409(client: Any) -> None:
    r1 = await turn(client, await start(client), choice="continue")
    err = await turn(client, {**r1, "seq": 5}, status=409, choice="ready")
    assert err["error"]["code"] == "stale_seq"


async def test_help_command_and_help_word_lead_to_help(client: Any) -> None:
    r = await start(client)
    h = await turn(client, r, command="help")
    assert h["flow"] == "help"
    assert any(m["key"] == "help.emergency" for m in h["messages"])
    back = await turn(client, h, choice="back")
    assert back["flow"] == "welcome"
    typed = await turn(client, back, text="ayuda")
    assert typed["flow"] == "help"


async def test_end_forgets_the_session(client: Any) -> None:
    r = await turn(client, await start(client), choice="continue")
    resp = await client.post("/api/v1/end", json={"session": r["session"]})
    assert resp.status == 204
    err = await turn(client, r, status=410, choice="continue")
    assert err["error"]["code"] == "session_gone" and err["help"]
    # ending twice is fine
    assert (await client.post("/api/v1/end", json={"session": r["session"]})).status == 204


async def test_the_end_command_ends_and_forgets(client: Any) -> None:
    r = await start(client)
    bye = await turn(client, r, command="end")
    assert bye["ended"] is True
    await turn(client, bye, status=410, choice="continue")


def _raw(body: bytes) -> dict[str, Any]:
    return {"data": body, "headers": JSON}


BAD_TURNS = [
    pytest.param(_raw(b"{not json"), 400, "invalid_json", id="malformed-json"),
    pytest.param(_raw(b'{"session": "\xff\xfe", "seq": 0}'), 400, "invalid_json",
                 id="invalid-utf8"),
    pytest.param(_raw(b'{"session": "\\ud800", "seq": 0, "text": "x"}'), 400, "invalid_json",
                 id="lone-surrogate"),
    pytest.param(_raw(b"[1, 2]"), 400, "invalid_request", id="not-an-object"),
    pytest.param(_raw(b"[" * 100_000), 413, "too_large", id="deep-nesting-too-large"),
    pytest.param(_raw(b"[" * 5000 + b"]" * 5000), 400, "invalid_json", id="deep-nesting"),
    pytest.param({"json": {"session": "S", "seq": "0", "choice": "a"}}, 400, "invalid_request",
                 id="seq-as-string"),
    pytest.param({"json": {"session": "S", "seq": True, "choice": "a"}}, 400, "invalid_request",
                 id="seq-as-bool"),
    pytest.param({"json": {"session": "S", "seq": -1, "choice": "a"}}, 400, "invalid_request",
                 id="negative-seq"),
    pytest.param({"json": {"session": 5, "seq": 0, "choice": "a"}}, 400, "invalid_request",
                 id="session-as-number"),
    pytest.param({"json": {"session": "S", "seq": 0}}, 400, "invalid_request", id="no-input"),
    pytest.param({"json": {"session": "S", "seq": 0, "choice": "a", "text": "b"}}, 400,
                 "invalid_request", id="two-inputs"),
    pytest.param({"json": {"session": "S", "seq": 0, "choice": "a", "extra": 1}}, 400,
                 "invalid_request", id="unknown-field"),
    pytest.param({"json": {"session": "S", "seq": 0, "command": "reboot"}}, 400,
                 "invalid_request", id="unknown-command"),
    pytest.param({"json": {"seq": 0, "choice": "a"}}, 400, "invalid_request", id="no-session"),
    pytest.param({"data": b'{"session": "S"}', "headers": {"Content-Type": "text/plain"}}, 415,
                 "unsupported_media_type", id="not-json-content-type"),
    pytest.param(_raw(b'{"session": "' + b"a" * 200_000 + b'"}'), 413, "too_large", id="huge-body"),
    pytest.param({"json": {"session": "S", "seq": 0, "text": "x" * (MAX_INPUT_CHARS * 3)}}, 422,
                 "text_too_long", id="huge-text"),
    pytest.param({"json": {"session": "S" * 43, "seq": 0, "choice": "a"}}, 410, "session_gone",
                 id="unknown-session"),
    pytest.param({"json": {"session": "not a token", "seq": 0, "choice": "a"}}, 410,
                 "session_gone", id="malformed-token"),
]


@pytest.mark.parametrize(("request_kw", "status", "code"), BAD_TURNS)
async def test_bad_turns_get_a_clear_error_with_help(
    client: Any, request_kw: dict[str, Any], status: int, code: str
) -> None:
    resp = await client.post("/api/v1/turn", **request_kw)
    assert resp.status == status
    body = await resp.json()
    check_schema("Error", body)
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert body["help"], "every error carries the crisis resources"


async def test_text_just_over_the_limit_is_422(client: Any) -> None:
    r = await start(client)
    err = await turn(client, r, status=422, text="x" * (MAX_INPUT_CHARS + 1))
    assert err["error"]["code"] == "text_too_long"
    assert str(MAX_INPUT_CHARS) in err["error"]["message"]
    # the session goes on
    await turn(client, r, choice="continue")


async def test_errors_in_a_session_speak_its_language(client: Any) -> None:
    r = await start(client, "es")
    await turn(client, r, choice="continue")
    r2 = await turn(client, r, choice="continue")
    await turn(client, r2, choice="ready")
    err = await turn(client, r, status=409, choice="continue")
    assert err["locale"] == "es"
    assert err["help"][0]["text"].startswith("Si ")


@pytest.mark.parametrize(
    ("extra", "status", "code"),
    [
        pytest.param({"text": "x" * (MAX_INPUT_CHARS + 1)}, 422, "text_too_long", id="too-long"),
        pytest.param({"choice": "continue", "text": "y"}, 400, "invalid_request", id="two-inputs"),
        pytest.param({"command": "reboot"}, 400, "invalid_request", id="unknown-command"),
    ],
)
async def test_a_bad_turn_in_a_session_speaks_its_language(
    client: Any, extra: dict[str, Any], status: int, code: str
) -> None:
    """A body the API refuses still names a session: its error and help are in its language."""
    r = await start(client, "es")
    resp = await client.post("/api/v1/turn", json={"session": r["session"], "seq": r["seq"], **extra})
    assert resp.status == status
    err = await resp.json()
    assert err["error"]["code"] == code and err["locale"] == "es"
    assert err["help"][0]["text"].startswith("Si ")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        pytest.param({"locale": "xx"}, 400, "unknown_locale", id="unknown-locale"),
        pytest.param({"locale": 5}, 400, "invalid_request", id="locale-as-number"),
        pytest.param({"locale": "en", "flow": "help"}, 400, "invalid_request", id="unknown-field"),
    ],
)
async def test_bad_starts(client: Any, body: dict[str, Any], status: int, code: str) -> None:
    resp = await client.post("/api/v1/start", json=body)
    assert resp.status == status
    data = await resp.json()
    check_schema("Error", data)
    assert data["error"]["code"] == code and data["help"]


@pytest.mark.parametrize("body", [b"{}", b'{"session": 1}', b"nope", b'{"session": "S", "x": 1}'])
async def test_bad_ends(client: Any, body: bytes) -> None:
    resp = await client.post("/api/v1/end", data=body, headers=JSON)
    assert resp.status == 400
    check_schema("Error", await resp.json())


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/v1/turn", 405, "method_not_allowed"),
        ("GET", "/api/v1/nothing", 404, "not_found"),
        ("PUT", "/api/v1/start", 405, "method_not_allowed"),
    ],
)
async def test_unknown_routes_and_methods(
    client: Any, method: str, path: str, status: int, code: str
) -> None:
    resp = await client.request(method, path)
    assert resp.status == status
    data = await resp.json()
    assert data["error"]["code"] == code and data["help"]


async def test_busy_past_the_cap_with_resources(aiohttp_client: Any, flowset: Any, store_kind: str,
                                                 redis_if_needed: str | None) -> None:
    from tests.web.conftest import make_store

    store = await make_store(store_kind, redis_if_needed, max_sessions=2)
    client = await make_client(aiohttp_client, create_app(Engine(flowset), WebConfig(), store=store))
    for _ in range(2):
        await turn(client, await start(client), choice="continue")
    late = await start(client, "es")  # start stores nothing: never busy
    resp = await client.post("/api/v1/turn", json={"session": late["session"], "seq": 0,
                                                   "choice": "continue"})
    assert resp.status == 503
    assert resp.headers["Retry-After"]
    data = await resp.json()
    assert data["error"]["code"] == "busy" and data["help"] and data["locale"] == "es"


async def test_a_store_that_fails_still_answers_with_help(
    aiohttp_client: Any, flowset: Any
) -> None:
    from bot.web.store import StoreError
    from bot.web.store.memory import MemoryStore

    class Broken(MemoryStore):
        async def load(self, key: str) -> Any:
            raise StoreError("down")

    client = await make_client(aiohttp_client, create_app(
        Engine(flowset), WebConfig(), store=Broken(idle_timeout=60, max_sessions=10)))
    r = await start(client)
    err = await turn(client, r, status=503, choice="continue")
    assert err["error"]["code"] == "store_down" and err["help"]


async def test_an_unexpected_error_is_a_500_with_help(aiohttp_client: Any, flowset: Any) -> None:
    from bot.engine import Engine

    class Exploding(Engine):
        def turn(self, session: Any, user: Any) -> Any:
            raise RuntimeError("boom")

    client = await make_client(aiohttp_client, create_app(Exploding(flowset), WebConfig()))
    r = await start(client)
    err = await turn(client, r, status=500, choice="continue")
    check_schema("Error", err)
    assert err["error"]["code"] == "internal" and err["help"]


async def test_openapi_document_is_served_and_describes_the_api(client: Any) -> None:
    resp = await client.get("/api/v1/openapi.json")
    assert resp.status == 200
    doc = await resp.json()
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {"/api/v1/start", "/api/v1/turn", "/api/v1/end", "/api/v1/plan",
                                 "/api/v1/openapi.json"}
    from jsonschema import Draft202012Validator

    for name, schema in doc["components"]["schemas"].items():
        Draft202012Validator.check_schema({**schema, "components": doc["components"]}), name


async def test_requests_in_the_openapi_examples_shape_are_accepted(client: Any) -> None:
    from jsonschema import Draft202012Validator

    from bot.web.openapi import openapi_document

    comps = openapi_document()["components"]
    r = await start(client)
    body = {"session": r["session"], "seq": 0, "choice": "continue"}
    schema = {"$ref": "#/components/schemas/TurnRequest", "components": comps}
    Draft202012Validator(schema).validate(body)
    resp = await client.post("/api/v1/turn", data=json.dumps(body), headers=JSON)
    assert resp.status == 200


async def test_a_client_that_trickles_its_body_gets_408_with_help(
    aiohttp_client: Any, flowset: Any
) -> None:
    import asyncio

    client = await make_client(aiohttp_client, create_app(Engine(flowset), WebConfig(body_timeout=0.3)))
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(b"POST /api/v1/start HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 100\r\n\r\n{")
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    body = await asyncio.wait_for(reader.readexactly(length), 5)
    writer.close()
    await writer.wait_closed()
    assert b"connection: close" in head.lower()
    assert head.split(b" ")[1] == b"408"
    data = json.loads(body)
    assert data["error"]["code"] == "timeout" and data["help"]


async def test_a_client_that_trickles_its_headers_is_disconnected(
    aiohttp_client: Any, flowset: Any
) -> None:
    import asyncio

    client = await make_client(aiohttp_client, create_app(Engine(flowset), WebConfig(head_timeout=0.3)))
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(b"GET / HTTP/1.1\r\nHo")
    await writer.drain()
    assert await asyncio.wait_for(reader.read(), 3) == b""  # closed by the server
    writer.close()
    await writer.wait_closed()
    # a prompt client on a new connection is served as usual
    assert (await client.get("/")).status == 200


async def test_every_response_matches_the_openapi_document(client: Any) -> None:
    """Each (path, status) the API answers is documented, and its body fits that schema."""
    from jsonschema import Draft202012Validator

    doc = (await (await client.get("/api/v1/openapi.json")).json())
    r = await start(client)
    calls: list[tuple[str, Any]] = [
        ("/api/v1/start", {"locale": "es"}),
        ("/api/v1/start", {"locale": "xx"}),
        ("/api/v1/start", b"{"),
        ("/api/v1/start", b"x" * 100_000),
        ("/api/v1/turn", {"session": r["session"], "seq": 0, "choice": "continue"}),
        ("/api/v1/turn", {"session": r["session"], "seq": 0, "choice": "continue"}),
        ("/api/v1/turn", {"session": r["session"], "seq": 7, "choice": "continue"}),
        ("/api/v1/turn", {"session": r["session"], "seq": 1, "text": "x" * 2001}),
        ("/api/v1/turn", {"session": "gone", "seq": 0, "choice": "continue"}),
        ("/api/v1/turn", {"seq": 0}),
        ("/api/v1/end", {"session": r["session"]}),
        ("/api/v1/end", {"session": 1}),
    ]
    seen = set()
    for path, body in calls:
        if isinstance(body, bytes):
            resp = await client.post(path, data=body, headers=JSON)
        else:
            resp = await client.post(path, json=body)
        documented = doc["paths"][path]["post"]["responses"]
        assert str(resp.status) in documented, (path, resp.status)
        seen.add((path, resp.status))
        content = documented[str(resp.status)].get("content")
        if content is None:
            assert await resp.read() == b""
            continue
        schema = {**content["application/json"]["schema"], "components": doc["components"]}
        Draft202012Validator(schema).validate(await resp.json())
    assert {s for _, s in seen} >= {200, 201, 204, 400, 409, 410, 413, 422}
