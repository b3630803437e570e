"""A tiny HTML helper: every value goes through ``esc``; markup is written only here and in
``pages``. No templates, no inline scripts or styles (the CSP forbids them)."""

from __future__ import annotations

from html import escape

__all__ = ["document", "esc", "hidden", "post_button"]


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def hidden(name: str, value: object) -> str:
    return f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">'


def post_button(label: str, fields: dict[str, object], *, cls: str = "", data: str = "") -> str:
    """A one-button form posting ``fields`` to /chat (works without JavaScript)."""
    inputs = "".join(hidden(k, v) for k, v in fields.items())
    attrs = f' class="{esc(cls)}"' if cls else ""
    extra = f" {data}" if data else ""
    return (
        f'<form method="post" action="/chat"{attrs}{extra}>{inputs}'
        f'<button type="submit">{esc(label)}</button></form>'
    )


def document(*, lang: str, title: str, header: str, main: str, main_attrs: str = "",
             script: bool = True) -> str:
    js = '<script src="/static/chat.js" defer></script>' if script else ""
    return (
        "<!doctype html>\n"
        f'<html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{esc(title)}</title>"
        '<link rel="stylesheet" href="/static/site.css">'
        f"{js}</head><body>{header}"
        f'<main id="main"{main_attrs}>{main}</main></body></html>\n'
    )
