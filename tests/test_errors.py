"""Every exception redirection-bot defines sits under BotError, and the tree drawn in
bot/errors.py names each one."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import bot
from bot.errors import BotError


def _exceptions() -> dict[str, type[BaseException]]:
    out = {}
    for info in pkgutil.walk_packages(bot.__path__, "bot."):
        if info.name.startswith("bot.cli") or info.name == "bot.__main__":
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, BaseException)
                    and obj.__module__ == info.name):
                out[f"{info.name}.{name}"] = obj
    return out


def test_every_exception_is_a_bot_error_and_is_in_the_drawn_tree() -> None:
    found = _exceptions()
    assert len(found) >= 12
    outside = sorted(name for name, cls in found.items() if not issubclass(cls, BotError))
    assert outside == []
    tree = (importlib.import_module("bot.errors").__doc__ or "")
    undrawn = sorted(name for name, cls in found.items() if f" {cls.__name__} " not in tree
                     and cls is not BotError)
    assert undrawn == []
