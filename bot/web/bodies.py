"""Reading request bodies: small, in time, and valid UTF-8, or a clear ``WebError``."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from bot.web.errors import WebError
from bot.web.state import CONFIG

__all__ = ["read_form", "read_json"]

MAX_FORM_FIELDS = 16


async def _read(request: web.Request, content_type: str) -> bytes:
    if request.content_type != content_type:
        raise WebError(415, "unsupported_media_type")
    cfg = request.app[CONFIG]
    if request.content_length is not None and request.content_length > cfg.client_max_size:
        raise WebError(413, "too_large")
    try:
        if request.content.is_eof():  # the whole body is here already: nothing to wait for
            return await request.read()
        async with asyncio.timeout(cfg.body_timeout):  # in this task: no task made per body
            return await request.read()
    except web.HTTPRequestEntityTooLarge as err:
        raise WebError(413, "too_large") from err
    except TimeoutError as err:
        raise WebError(408, "timeout", headers={"Connection": "close"}) from err
    except (HttpProcessingError, web.RequestPayloadError) as err:
        # a body that is not what its Content-Encoding or Transfer-Encoding says
        raise WebError(400, "unreadable", headers={"Connection": "close"}) from err


async def read_json(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object; strings are valid Unicode (no lone surrogates)."""
    raw = await _read(request, "application/json")
    try:
        data = json.loads(raw.decode("utf-8"))
        if b"\\u" in raw:  # a lone surrogate can only come from an escape (UTF-8 refuses them)
            json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError) as err:  # JSON, UTF-8 and surrogate errors alike
        raise WebError(400, "invalid_json") from err
    if not isinstance(data, dict):
        raise WebError(400, "invalid_request")
    return data


async def read_form(request: web.Request) -> dict[str, str]:
    """An urlencoded form as a dict (last value wins); refuses invalid UTF-8."""
    raw = await _read(request, "application/x-www-form-urlencoded")
    try:
        pairs = parse_qsl(
            raw.decode("ascii"), keep_blank_values=True, strict_parsing=False,
            encoding="utf-8", errors="strict", max_num_fields=MAX_FORM_FIELDS,
        )
    except ValueError as err:  # non-ASCII body, bad percent-encoded UTF-8, too many fields
        raise WebError(400, "invalid_request") from err
    return dict(pairs)
