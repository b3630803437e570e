"""The strict header set, on every response the app prepares: pages, API, errors, static files.

Set in ``on_response_prepare``, which runs for every response, including the ones that error
handling builds, so no route can forget it.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web

__all__ = ["PUBLIC_SCRIPTS", "csp", "install_headers", "strict_headers"]

PUBLIC_SCRIPTS = frozenset({"/widget.js"})
"""Loaded by host pages on other origins, so their resource policy is cross-origin."""

PERMISSIONS = ", ".join(
    f"{f}=()" for f in (
        "accelerometer", "autoplay", "camera", "display-capture", "fullscreen", "geolocation",
        "gyroscope", "magnetometer", "microphone", "midi", "payment", "usb",
    )
)


def csp(frame_ancestors: Iterable[str]) -> str:
    ancestors = " ".join(frame_ancestors) or "'none'"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; "
        f"frame-ancestors {ancestors}"
    )


def strict_headers(frame_ancestors: Iterable[str]) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp(frame_ancestors),
        "Cache-Control": "no-store",
        "Pragma": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": PERMISSIONS,
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "X-Robots-Tag": "noindex, nofollow",
        "Server": "redirection-bot",
    }


def install_headers(app: web.Application, frame_ancestors: Iterable[str]) -> None:
    headers = strict_headers(frame_ancestors)

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(headers)
        response.headers.popall("Set-Cookie", None)
        if request.path in PUBLIC_SCRIPTS:
            response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"

    app.on_response_prepare.append(on_prepare)
