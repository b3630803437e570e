"""The v1 JSON API (DESIGN.md, "The web contract"): start, turn, end, and its OpenAPI document.

Bodies are strict: unknown fields, wrong types (``"1"`` for a number, ``true`` for a number)
and a turn without exactly one of ``choice``, ``text`` and ``command`` are refused with 400.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.engine import MAX_INPUT_CHARS
from bot.session import UserInput
from bot.web.bodies import read_json
from bot.web.errors import WebError
from bot.web.openapi import openapi_document
from bot.web.resources import help_resources
from bot.web.state import CONVERSATIONS, ENGINE, TEXTS
from bot.web.texts import Texts

__all__ = ["EndBody", "StartBody", "TurnBody", "json_error", "routes"]

M = TypeVar("M", bound=BaseModel)

Token = Annotated[str, Field(min_length=1, max_length=64)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class StartBody(_Body):
    locale: Annotated[str, Field(min_length=2, max_length=16)] = "en"


class TurnBody(_Body):
    session: Token
    seq: Annotated[int, Field(ge=0, le=2**31)]
    choice: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    text: Annotated[str, Field(max_length=MAX_INPUT_CHARS * 2)] | None = None
    command: Literal["help", "menu", "end"] | None = None

    @model_validator(mode="after")
    def _one_input(self) -> TurnBody:
        if sum(x is not None for x in (self.choice, self.text, self.command)) != 1:
            raise ValueError("give exactly one of choice, text or command")
        return self

    def user_input(self) -> UserInput:
        return UserInput(choice=self.choice, text=self.text, command=self.command)


class EndBody(_Body):
    session: Token


def _parse(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        too_long = any(
            e["type"] == "string_too_long" and e["loc"] == ("text",) for e in err.errors()
        )
        if too_long:
            raise WebError(422, "text_too_long", slots={"max": str(MAX_INPUT_CHARS)}) from err
        raise WebError(400, "invalid_request") from err


def _json(body: bytes, status: int = 200) -> web.Response:
    """A JSON response from bytes already dumped (as ``web.json_response`` would send them)."""
    return web.Response(body=body, status=status, content_type="application/json", charset="utf-8")


def _message(texts: Texts, locale: str, err: WebError) -> str:
    return texts.t(locale, f"web.error.{err.code}", **(err.slots or {}))


def json_error(request: web.Request, err: WebError) -> web.Response:
    texts = request.app[TEXTS]
    locale = texts.pick(request, err.locale)
    body = {
        "error": {"code": err.code, "message": _message(texts, locale, err)},
        "help": help_resources(request.app[ENGINE].current, locale),
        "locale": locale,
    }
    return web.json_response(body, status=err.status, headers=err.headers)


async def start(request: web.Request) -> web.Response:
    body = _parse(StartBody, await read_json(request))
    turn = await request.app[CONVERSATIONS].start(body.locale)
    return _json(turn.body(), status=201)


async def turn(request: web.Request) -> web.Response:
    data = await read_json(request)
    conversations = request.app[CONVERSATIONS]
    async with conversations.speaking_for(data.get("session")):
        body = _parse(TurnBody, data)
        result = await conversations.turn(body.session, body.seq, body.user_input())
    return _json(result.body())


async def end(request: web.Request) -> web.Response:
    body = _parse(EndBody, await read_json(request))
    await request.app[CONVERSATIONS].end(body.session)
    return web.Response(status=204)


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())


def routes() -> list[web.RouteDef]:
    return [
        web.post("/api/v1/start", start),
        web.post("/api/v1/turn", turn),
        web.post("/api/v1/end", end),
        web.get("/api/v1/openapi.json", openapi),
    ]
