"""The anonymous web chat: the v1 JSON API, pages that work without JavaScript, the widget.

Modules: ``app`` (create_app), ``api`` (JSON), ``pages`` (HTML forms), ``conversation`` (start,
turn with idempotent seq, end), ``store`` (memory and Redis), ``headers`` and ``middleware``
(strict headers; every error with crisis resources), ``logs`` (no user data in logs),
``resources`` (the crisis resources), ``static`` (chat.js, widget.js, chat.css).
"""

from bot.web.app import create_app
from bot.web.config import WebConfig

__all__ = ["WebConfig", "create_app"]
