"""The person's plan alone, as a printable page: ``POST /api/v1/plan`` (JSON ``{"session": S}``)
and ``POST /plan`` (the no-JS form the chat page shows when ``Reply.plan`` is true).

The page is built now from the conversation's answers (``bot.plan``) and nothing of it is kept;
it holds no conversation, no control and no script, and says that a saved plan can be seen by
anyone using the device. Errors are the usual ones, with help: JSON for the API, a page for
the form.
"""

from __future__ import annotations

from functools import cache

from aiohttp import web
from jinja2 import Environment, PackageLoader, Template, select_autoescape
from pydantic import ValidationError

from bot.plan import Plan
from bot.web.api import EndBody
from bot.web.bodies import read_form, read_json
from bot.web.errors import WebError
from bot.web.state import CONVERSATIONS, TEXTS

__all__ = ["render_plan", "routes"]

NO_STORE = {"Cache-Control": "no-store"}


@cache
def _template() -> Template:
    env = Environment(
        loader=PackageLoader("bot.web", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("plan.html")


def render_plan(plan: Plan, empty: str) -> str:
    """The plan page; every value is escaped by the template."""
    return _template().render(plan=plan, empty=empty)


async def _page(request: web.Request, token: str) -> web.Response:
    conversations = request.app[CONVERSATIONS]
    async with conversations.speaking_for(token):
        plan = await conversations.plan(token)
    empty = request.app[TEXTS].t(plan.locale, "web.plan.empty")
    return web.Response(text=render_plan(plan, empty), content_type="text/html", headers=NO_STORE)


async def api_plan(request: web.Request) -> web.Response:
    try:
        body = EndBody.model_validate(await read_json(request))
    except ValidationError as err:
        raise WebError(400, "invalid_request") from err
    return await _page(request, body.session)


async def form_plan(request: web.Request) -> web.Response:
    form = await read_form(request)
    token = form.get("session", "")
    if not token:
        raise WebError(400, "invalid_request")
    return await _page(request, token)


def routes() -> list[web.RouteDef]:
    return [web.post("/api/v1/plan", api_plan), web.post("/plan", form_plan)]
