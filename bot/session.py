"""The plain data a conversation is made of: a session, a user's input, the bot's reply.

A session is a few short strings and numbers (no machine, no history of messages), so a store
can keep many and serialise each in a few hundred bytes::

    {"locale": "en", "version": "3f2a9c1b0d4e", "flow": "urges", "state": "rate_before",
     "stack": [["why_change", "ruler"]], "slots": {"reason": "..."}, "seq": 4, ...}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = ["InputKind", "Message", "Reply", "ReplyOption", "ResourceView", "Session", "UserInput"]

InputKind = Literal["choice", "text", "choice_or_text", "none"]


@dataclass(slots=True)
class Session:
    locale: str
    version: str
    flow: str
    state: str
    stack: list[tuple[str, str]] | None = None
    """Where to resume, innermost last; ``(flow, "")`` is a crisis flow waiting its turn."""
    slots: dict[str, str] | None = None
    seq: int = 0
    ended: bool = False
    youth: bool = False
    """The person said they are under 18: only youth help from now on (S7)."""
    started: float = 0.0
    touched: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        data = dict(data)
        if data.get("stack") is not None:
            data["stack"] = [(str(f), str(s)) for f, s in data["stack"]]
        return cls(**data)


@dataclass(frozen=True, slots=True)
class UserInput:
    """What the user did: chose an option (by id), typed text, or used a command control."""

    choice: str | None = None
    text: str | None = None
    command: str | None = None

    def __post_init__(self) -> None:
        given = sum(x is not None for x in (self.choice, self.text, self.command))
        if given != 1:
            raise ValueError("UserInput takes exactly one of choice, text or command")


@dataclass(frozen=True, slots=True)
class Message:
    key: str
    text: str


@dataclass(frozen=True, slots=True)
class ReplyOption:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class ResourceView:
    """A helpline or service as a reply shows it, in the reply's language (AGREEMENTS item 1):
    ``number`` as people write it ("0808 1000 900"), ``tel`` the dialable form ("08081000900",
    "988"), ``kind`` one of emergency, crisis_line, prevention, youth, survivors, reporting."""

    id: str
    name: str
    description: str
    number: str | None
    tel: str | None
    sms: str | None
    url: str | None
    country: str | None
    kind: str


@dataclass(frozen=True, slots=True)
class Reply:
    messages: tuple[Message, ...]
    options: tuple[ReplyOption, ...]
    input: InputKind
    ended: bool
    flow: str
    state: str
    locale: str
    seq: int
    screened: tuple[str, ...] = ()
    """Crisis categories screening found in this turn's text (empty almost always)."""
    max_text: int = 2000
    resources: tuple[ResourceView, ...] = ()
    """Helplines to show with this reply: the first reply of every crisis path (S6), help."""
    plan: bool = False
    """True when the person's plan holds at least one answer of their own (``bot.plan``): the
    web then offers "Save or print my plan" (POST /plan)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
