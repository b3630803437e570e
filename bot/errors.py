"""The exceptions redirection-bot raises, in one tree.

    BotError
    ├── ContentError            flows, catalogs or scripts that cannot be used
    │   ├── LintFailed          carries every Problem found; raised at start-up
    │   ├── YamlError           a file that is not the plain YAML we accept (bot.yamlsource)
    │   ├── TemplateError       a message whose braces are not {slot}s (bot.catalog; ValueError)
    │   └── PhraseError         a phrase not in the phrase language (bot.phrases; ValueError)
    ├── SessionError            a session the engine cannot continue
    │   ├── SessionEnded        the conversation is over (ended, expired, quick exit)
    │   └── UnknownVersion      the session's flow version is no longer loaded
    ├── InputError              input the engine refuses (too long, empty, malformed)
    ├── RemoteError             a server the tools talk to answered with an error, or not at all
    ├── CounterError            an event the aggregate counters refuse (bot.counters)
    ├── ReportError             the counters cannot be read for a report (bot.report)
    ├── WorkersError            ``serve --workers`` cannot run as asked (bot.web.workers)
    ├── WebError                a request the web edge refuses: status, code, help (bot.web.errors)
    └── StoreError              the session store cannot be used (bot.web.store)
        ├── StoreBusy           the cap on live sessions is reached
        └── RecordUnreadable    a stored record does not open with the token given

The engine raises; only the edges (``cli``, ``web``) turn an error into output, and the web edge
always adds the crisis resources.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.problems import Problem

__all__ = [
    "BotError",
    "ContentError",
    "InputError",
    "LintFailed",
    "RemoteError",
    "SessionEnded",
    "SessionError",
    "UnknownVersion",
]


class BotError(Exception):
    """Base of every error redirection-bot raises on purpose."""


class ContentError(BotError):
    """Flows, catalogs or scripts that cannot be used."""


class LintFailed(ContentError):
    """Content has errors; ``problems`` lists every one, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        lines = "\n".join(str(p) for p in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} error(s) in the content:\n{lines}{more}")


class SessionError(BotError):
    """A session the engine cannot continue."""


class SessionEnded(SessionError):
    """The conversation has ended; nothing more can be said in it."""


class UnknownVersion(SessionError):
    """The session started on a flow version that is no longer loaded."""


class InputError(BotError):
    """Input the engine refuses: too long, empty or malformed."""


class RemoteError(BotError):
    """A server the tools talk to (``replay --url``) answered with an error, or not at all."""
