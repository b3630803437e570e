"""Every failure becomes a clear reply with the crisis resources (S3): JSON under ``/api/``,
a page elsewhere. Unexpected exceptions are logged by type and route only, never by message
(which could hold user text)."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.web.api import json_error
from bot.web.errors import WebError
from bot.web.pages import error_page

__all__ = ["errors_middleware", "render_error"]

log = logging.getLogger(__name__)

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 408: "timeout"}


def render_error(request: web.Request, err: WebError) -> web.StreamResponse:
    """The reply to ``err``: JSON under ``/api/``, the error page elsewhere; both with help."""
    if request.path.startswith("/api/"):
        response = json_error(request, err)
    else:
        response = error_page(request, err)
    if err.status in (408, 413):
        response.force_close()
    return response


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except WebError as err:
        return render_error(request, err)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = _HTTP_CODES.get(exc.status, "invalid_request" if exc.status < 500 else "internal")
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return render_error(request, WebError(exc.status, code, headers=headers))
    except (asyncio.CancelledError, ConnectionError):
        raise
    except Exception as exc:
        route = request.match_info.route.resource
        where = route.canonical if route is not None else "?"
        log.error("unhandled %s in %s %s", type(exc).__name__, request.method, where)
        return render_error(request, WebError(500, "internal"))
