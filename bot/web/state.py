"""The application's typed state (``app[ENGINE]`` and so on), in one place to avoid cycles."""

from __future__ import annotations

from aiohttp import web

from bot.engine import Engine
from bot.web.config import WebConfig
from bot.web.conversation import Conversations
from bot.web.store import SessionStore
from bot.web.texts import Texts

__all__ = ["CONFIG", "CONVERSATIONS", "ENGINE", "STATIC", "STORE", "TEXTS"]

ENGINE = web.AppKey("engine", Engine)
CONFIG = web.AppKey("config", WebConfig)
TEXTS = web.AppKey("texts", Texts)
STORE = web.AppKey("store", SessionStore)
CONVERSATIONS = web.AppKey("conversations", Conversations)
STATIC = web.AppKey("static", dict)
"""Static file name -> (content type, bytes), read once at start-up."""
