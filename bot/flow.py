"""The flow format: what a content designer writes in ``flows/*.yaml``.

A flow is an id, a start state and named states. A state says messages (locale keys) and then
does one of four things, told apart by the key it has::

    options: [...]     offer choices; each option leads somewhere       (a choice state)
    ask: slot_name     take free text into a slot, then lead somewhere  (an ask state)
    go / flow / back   lead somewhere straight away                     (a say state)
    end: true          finish the flow                                  (an end state)
    end: conversation  finish the whole conversation, whatever came before

"Somewhere" is ``go: state`` (this flow), ``flow: other_flow`` (from its start) or
``back: true`` (where the user was before this flow interrupted them; the menu if nowhere).
See docs/flows.md for the whole guide.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

__all__ = [
    "AskState",
    "ChoiceState",
    "EndState",
    "Flow",
    "MessageRef",
    "Option",
    "Program",
    "SayState",
    "State",
    "YouthRole",
]

Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$", max_length=128)]

DEFAULT_MAX_TEXT = 500
MAX_INPUT_CHARS = 2000
"""The most characters a person may type in one turn, everywhere (an ask state may allow fewer)."""


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, use_attribute_docstrings=True
    )


class MessageRef(_Strict):
    """A message said only when a slot is filled (``{key: plan.reason, if: reason}``), only when
    at least one of some slots is (``{key: plan.group_reasons, if_any: [reason, value]}``), or
    only when none of them is (``{key: plan.empty, unless: [reason, coping]}``)."""

    key: Key
    if_filled: Name | None = Field(default=None, alias="if")
    if_any: list[Name] | None = None
    unless: list[Name] | None = None

    @field_validator("if_any", "unless", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


def _message_ref(value: Any) -> Any:
    return {"key": value} if isinstance(value, str) else value


class _Target(_Strict):
    """Where to go next: exactly one of ``go``, ``flow`` or ``back``."""

    go: Name | None = None
    """Go to this state of the same flow."""
    flow: Name | None = None
    """Go to the start of this other flow."""
    back: Literal[True] | None = None
    """Go back to where the user was before this flow interrupted them (the menu if nowhere)."""

    def target(self) -> tuple[str, str] | None:
        """``("go", state)``, ``("flow", flow_id)``, ``("back", "")`` or None."""
        if self.go is not None:
            return ("go", self.go)
        if self.flow is not None:
            return ("flow", self.flow)
        if self.back:
            return ("back", "")
        return None

    def _count_targets(self) -> int:
        return sum(x is not None for x in (self.go, self.flow, self.back))


class Option(_Target):
    """One choice: an id (what scripts and typed input use), a label key, and a target."""

    id: Name
    """What scripts send and what a user may type; unique in the state."""
    label: Key
    """Locale key of the button's text."""
    save: Name | None = None
    """Keep this option's label in a slot (a rating, a choice the plan will show later)."""
    tally: bool = False
    """Count this choice in aggregate only (feedback); never kept with the conversation."""

    @model_validator(mode="after")
    def _one_target(self) -> Option:
        n = self._count_targets()
        if n != 1:
            raise ValueError(
                f"option '{self.id}' needs exactly one of go, flow or back (it has {n})"
            )
        return self


class _StateBase(_Strict):
    say: list[MessageRef] = Field(default_factory=list)
    """Locale keys of the messages to say on entering the state, in order."""
    note: str | None = None
    """For designers; never shown to users."""
    expects: list[Name] = Field(default_factory=list)
    """Screening categories this question asks about (``expects: [urge, distress]`` where the
    program asks for warning signs): a typed answer that screening is only *unsure* about in
    these categories gets no check-in here. Sure categories still interrupt. Only on ``ask``
    states; never ``suicide`` or ``child_at_risk``, never in crisis paths or check-ins (lint)."""

    def choices(self) -> Sequence[Option]:
        """The options this state offers as buttons (none for say and end states)."""
        return ()

    @field_validator("expects", mode="before", json_schema_input_type=Name | list[Name])
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("say", mode="before", json_schema_input_type=Key | list[Key | MessageRef])
    @classmethod
    def _refs(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        return [_message_ref(v) for v in value] if isinstance(value, list) else value


class ChoiceState(_StateBase):
    """Offer choices; each option leads somewhere."""

    options: list[Option] = Field(min_length=1)
    """The choices, as buttons; a user may also type an option's number or words."""

    def choices(self) -> Sequence[Option]:
        return self.options

    @model_validator(mode="after")
    def _unique_ids(self) -> ChoiceState:
        _check_unique(self.options)
        return self


class AskState(_StateBase, _Target):
    """Take free text into a slot, then lead somewhere (go, flow or back)."""

    ask: Name
    """The slot the user's typed answer is kept in (until the conversation ends)."""
    max: int = Field(default=DEFAULT_MAX_TEXT, ge=1, le=MAX_INPUT_CHARS)
    """Most characters accepted in the answer."""
    options: list[Option] = Field(default_factory=list)
    """Buttons offered beside the text box (such as "I'd rather not say")."""

    def choices(self) -> Sequence[Option]:
        return self.options

    @model_validator(mode="after")
    def _one_target(self) -> AskState:
        if self._count_targets() != 1:
            raise ValueError(
                f"an ask state needs exactly one of go, flow or back for after the answer "
                f"(slot '{self.ask}')"
            )
        _check_unique(self.options)
        return self


class SayState(_StateBase, _Target):
    """Say the messages, then lead somewhere straight away (go, flow or back)."""

    @model_validator(mode="after")
    def _one_target(self) -> SayState:
        if self._count_targets() != 1:
            raise ValueError(
                "a state needs exactly one of: options, ask, go, flow, back or end: true"
            )
        return self


class EndState(_StateBase):
    """Finish the flow (and the conversation, unless an interruption is waiting to resume), or,
    with ``end: conversation``, the whole conversation whatever came before (the youth path)."""

    end: Literal[True, "conversation"]


def _state_kind(value: Any) -> str:
    if isinstance(value, dict):
        if "end" in value:
            return "end"
        if "ask" in value:
            return "ask"
        if "options" in value:
            return "choice"
        return "say"
    if isinstance(value, BaseModel):
        return {ChoiceState: "choice", AskState: "ask", SayState: "say", EndState: "end"}[
            type(value)
        ]
    return "say"


State = Annotated[
    Annotated[ChoiceState, Tag("choice")]
    | Annotated[AskState, Tag("ask")]
    | Annotated[SayState, Tag("say")]
    | Annotated[EndState, Tag("end")],
    Discriminator(_state_kind),
]

STATE_KIND_TAGS = frozenset({"choice", "ask", "say", "end"})


def _check_unique(options: list[Option]) -> None:
    seen: set[str] = set()
    for opt in options:
        if opt.id in seen:
            raise ValueError(f"option id '{opt.id}' is used twice in this state")
        seen.add(opt.id)


class Flow(_Strict):
    """One flow file."""

    flow: Name
    """The flow's id: the file's name without .yaml."""
    title: Key | None = None
    """Locale key of the flow's title (menus, pictures)."""
    description: str | None = None
    """For designers; never shown to users."""
    start: Name
    """The state the flow begins in."""
    states: dict[Name, State] = Field(min_length=1)
    """The states, by name."""


class YouthRole(_Strict):
    """S7: once the ``minor`` crisis flow is entered, the conversation only ever shows the
    flows in ``allow`` (and the minor flow); anything else leads to ``help``."""

    help: Name
    """Where ``menu``, ``help`` and every other way into the adult program lead."""
    allow: list[Name] = Field(default_factory=list)
    """Flows a young person may still be in: crisis paths for them, the resume offer."""


class Program(_Strict):
    """``flows/program.yaml``: which flows play which part."""

    start: Name
    menu: Name
    help: Name
    resume: Name
    lapse: Name | None = None
    """The lapse path: offered wherever a lapse is typed (``bot.lapse``), never a crisis."""
    crisis: dict[Name, Name] = Field(default_factory=dict)
    """Screening category -> crisis flow, in priority order (first is most urgent)."""
    exit_check: Name | None = None
    """S6: ``menu``, ``help`` and ``end`` inside a crisis path first stop at this flow's state
    of the same name (``menu``, ``help``, ``end``), which offers a way back into the path."""
    youth: YouthRole | None = None
    """S7: the youth lock."""


class ProgramFile(_Strict):
    program: Program
