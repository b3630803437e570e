"""Scripted conversations: what testers write, and the runner that replays them.

A script is a YAML file with a name, a language, and turns. Each turn is one user input (none
for the opening turn) and what the bot's reply must show::

    script: first steps, happy path
    locale: en
    turns:
      - expect: {state: welcome.hello, options: [continue, leave]}
      - choose: continue                   # an option id, as a button sends it
      - say: I want to protect children    # free text, typed
        expect:
          messages: [why_change.reflect_reason]  # exactly these message keys, in order
          text: protect children           # appears in the reply's text
          resources: ["116 123"]           # helplines the reply carries (ids or numbers)
      - command: help                      # the help / menu / end controls
        expect: {flow: help}

Only the expectations written are checked. The runner talks to a ``Driver``: in-process
(``EngineDriver``) or over the v1 API.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.content import schema_problems
from bot.engine import Engine
from bot.errors import ContentError
from bot.session import Session, UserInput
from bot.yamlsource import YamlError, load_yaml

__all__ = [
    "Driver",
    "EngineDriver",
    "Expect",
    "Failure",
    "Script",
    "ScriptResult",
    "Turn",
    "find_scripts",
    "load_script",
    "run_script",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class Expect(_Strict):
    """What a reply must show. Fields left out are not checked."""

    messages: list[str] | None = None
    """Exactly these message keys, in this order."""
    has: list[str] | None = None
    """These message keys, among others."""
    text: list[str] | None = None
    """Each of these appears in the reply's text (case ignored)."""
    options: list[str] | None = None
    """Exactly these option ids, in this order."""
    state: str | None = None
    """``flow.state`` the conversation rests in after the reply."""
    flow: str | None = None
    """The flow the conversation rests in after the reply."""
    input: Literal["choice", "text", "choice_or_text", "none"] | None = None
    ended: bool | None = None
    screened: list[str] | None = None
    """Exactly these crisis categories found in this turn's text."""
    resources: list[str] | None = None
    """Each of these is among the helplines the reply carries: an id, or a number as written."""

    @field_validator(
        "has", "text", "messages", "options", "screened", "resources", mode="before",
        json_schema_input_type=str | list[str] | None,
    )
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _as_list(value)


class Turn(_Strict):
    """One user input (none in the opening turn) and what the reply must show."""

    choose: str | None = None
    """An option id, as a button sends it."""
    say: str | None = None
    """Free text, as typed (a number, an option's words, a command word, an answer)."""
    command: Literal["help", "menu", "end"] | None = None
    """One of the persistent controls."""
    expect: Expect = Field(default_factory=Expect)

    @model_validator(mode="after")
    def _one_input(self) -> Turn:
        if sum(x is not None for x in (self.choose, self.say, self.command)) > 1:
            raise ValueError("a turn has at most one of choose, say or command")
        return self

    def user_input(self) -> UserInput | None:
        if self.choose is not None:
            return UserInput(choice=self.choose)
        if self.say is not None:
            return UserInput(text=self.say)
        if self.command is not None:
            return UserInput(command=self.command)
        return None

    def describe(self) -> str:
        if self.choose is not None:
            return f"choose: {self.choose}"
        if self.say is not None:
            return f"say: {self.say!r}"
        if self.command is not None:
            return f"command: {self.command}"
        return "start"


class Script(_Strict):
    script: str
    """What the conversation shows, in a few words."""
    locale: str = "en"
    flow: str | None = None
    """Start in this flow instead of the program's start."""
    turns: list[Turn] = Field(min_length=1)

    @model_validator(mode="after")
    def _first_turn_is_start(self) -> Script:
        if self.turns[0].user_input() is not None:
            raise ValueError("the first turn is the bot's opening: give it only `expect`")
        return self


def load_script(path: Path, display: str | None = None) -> Script:
    """Load and validate a script; raises ``ContentError`` with file:line:col problems."""
    try:
        src = load_yaml(path, display)
    except YamlError as err:
        raise ContentError(str(err.problem)) from err
    try:
        return Script.model_validate(src.data)
    except ValidationError as err:
        problems = schema_problems(err, src)
        raise ContentError("\n".join(str(p) for p in problems)) from err


def find_scripts(paths: list[Path]) -> Iterator[Path]:
    """Every ``*.yaml`` under ``paths`` (files taken as they are), sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.rglob("*.yaml"))
        else:
            yield path


# -- running ------------------------------------------------------------------------------


class Driver(Protocol):
    """Talks to a bot; replies are dicts shaped like the v1 API's Reply."""

    def start(self, locale: str, flow: str | None) -> dict[str, Any]: ...

    def turn(self, user: UserInput) -> dict[str, Any]: ...

    def close(self) -> None: ...


class EngineDriver:
    """Runs a script in-process on an ``Engine``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session: Session | None = None

    def start(self, locale: str, flow: str | None) -> dict[str, Any]:
        self.session, reply = self.engine.start(locale, flow)
        return reply.to_dict()

    def turn(self, user: UserInput) -> dict[str, Any]:
        assert self.session is not None
        return self.engine.turn(self.session, user).to_dict()

    def close(self) -> None:
        self.session = None


@dataclass
class Failure:
    turn: int
    described: str
    field: str
    expected: Any
    actual: Any

    def render(self) -> str:
        head = f"  turn {self.turn} ({self.described}): {self.field}"
        if not (isinstance(self.expected, list) and isinstance(self.actual, list)):
            return f"{head}: expected {self.expected!r}, got {self.actual!r}"
        lines = [
            f"{head} differs",
            f"      expected: [{', '.join(map(str, self.expected))}]",
            f"      actual:   [{', '.join(map(str, self.actual))}]",
        ]
        if max(len(self.expected), len(self.actual)) > 3:
            diff = difflib.ndiff([str(x) for x in self.expected], [str(x) for x in self.actual])
            lines += [f"      {line}" for line in diff if line[:1] in "+-"]
        return "\n".join(lines)


@dataclass
class ScriptResult:
    name: str
    failures: list[Failure] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failures and self.error is None


def run_script(script: Script, driver: Driver) -> ScriptResult:
    """Replay ``script`` through ``driver``; stops at the first turn that fails."""
    result = ScriptResult(script.script)
    try:
        for number, turn in enumerate(script.turns):
            user = turn.user_input()
            reply = driver.start(script.locale, script.flow) if user is None else driver.turn(user)
            result.replies.append(reply)
            result.failures.extend(_check(number, turn, reply))
            if result.failures:
                break
    except Exception as err:  # a crash is a failed script, reported as such
        result.error = f"{type(err).__name__}: {err}"
    finally:
        driver.close()
    return result


def _check(number: int, turn: Turn, reply: dict[str, Any]) -> Iterator[Failure]:
    exp = turn.expect
    keys = [m["key"] for m in reply["messages"]]
    text = "\n".join(m["text"] for m in reply["messages"]).casefold()
    option_ids = [o["id"] for o in reply["options"]]

    def fail(name: str, expected: Any, actual: Any) -> Failure:
        return Failure(number, turn.describe(), name, expected, actual)

    if exp.messages is not None and exp.messages != keys:
        yield fail("messages", exp.messages, keys)
    if exp.has is not None:
        missing = [k for k in exp.has if k not in keys]
        if missing:
            yield fail("has", exp.has, keys)
    for fragment in exp.text or ():
        if fragment.casefold() not in text:
            yield fail("text", fragment, [m["text"] for m in reply["messages"]])
    if exp.options is not None and exp.options != option_ids:
        yield fail("options", exp.options, option_ids)
    where = f"{reply['flow']}.{reply['state']}"
    if exp.state is not None and exp.state != where:
        yield fail("state", exp.state, where)
    if exp.flow is not None and exp.flow != reply["flow"]:
        yield fail("flow", exp.flow, reply["flow"])
    if exp.input is not None and exp.input != reply["input"]:
        yield fail("input", exp.input, reply["input"])
    if exp.ended is not None and exp.ended != reply["ended"]:
        yield fail("ended", exp.ended, reply["ended"])
    if exp.screened is not None and exp.screened != list(reply.get("screened", [])):
        yield fail("screened", exp.screened, list(reply.get("screened", [])))
    if exp.resources is not None:
        carried = reply.get("resources", [])
        have = {r["id"] for r in carried} | {r["number"] for r in carried if r["number"]}
        missing = [x for x in exp.resources if x not in have]
        if missing:
            yield fail("resources", missing, sorted(have))
