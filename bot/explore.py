"""The explorer: walk every path of every flow, in every language, and report what breaks.

From the start of each flow it tries, at every place the conversation waits, each option, a
typed option number that is out of range, an empty text, a sample answer, a text one character
over the limit, and the help word. A *place* is what decides what can happen next: flow, state,
the resume stack, and whether the conversation has ended (not the slots: they change words and
optional messages, never where an input leads). Each place is explored once (so every path is
walked, but shared tails only once), up to ``max_depth`` turns from a start and ``max_paths``
places per language. A turn that interrupts (help, or a crisis path, however entered) is checked
but not walked on: the flow it leads to is walked from its own start, as every flow is.

It finds:

- **crash**: the engine raised (other than refusing a text over the hard limit)
- **missing key**: a message or label with no text in this language
- **dead end**: the conversation waits with no option and no text box, or every option and
  answer comes back to the same question
- **help**: the help word does not lead to the help flow
- **no way out**: neither the end of the conversation nor help can be reached from a place by
  options and answers (only the end command would leave)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from bot.catalog import Catalog, clean_text, normalise
from bot.engine import MAX_INPUT_CHARS, Engine, FlowSet
from bot.errors import InputError
from bot.session import Reply, Session, UserInput

__all__ = ["DEFAULT_MAX_DEPTH", "DEFAULT_MAX_PATHS", "SAMPLE_TEXT", "Finding", "Report", "explore"]

DEFAULT_MAX_DEPTH = 40
DEFAULT_MAX_PATHS = 20_000
SAMPLE_TEXT = "something on my mind"

Key = tuple[str, str, tuple[tuple[str, str], ...], bool]
_Find = Callable[[str, str, str, tuple[str, ...]], None]


@dataclass(frozen=True)
class Finding:
    locale: str
    kind: str
    where: str
    message: str
    path: tuple[str, ...]

    def render(self) -> str:
        return (
            f"FAIL {self.locale}: {self.kind} at {self.where}: {self.message}\n"
            f"  path: {' → '.join(self.path)}"
        )


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    places: dict[str, int] = field(default_factory=dict)
    """Language -> places explored."""
    turns: dict[str, int] = field(default_factory=dict)
    states: dict[str, set[str]] = field(default_factory=dict)
    """Language -> every ``flow.state`` where the walk found the conversation waiting."""
    truncated: list[str] = field(default_factory=list)
    """Languages where a bound stopped the walk before every place was explored."""

    @property
    def ok(self) -> bool:
        return not self.findings


@dataclass
class _Place:
    session: Session
    reply: Reply
    path: tuple[str, ...]
    depth: int
    key: Key


def _key(session: Session) -> Key:
    """What decides what can happen next. Slots are left out: they change words and which
    optional messages are said (``if:``, ``unless:``), never where an input leads, and keeping
    them would multiply the places by two for each slot (lint checks every key anyway)."""
    return (session.flow, session.state, tuple(session.stack or ()), session.ended)


def _copy(session: Session) -> Session:
    return Session.from_dict(session.to_dict())


def _inputs(reply: Reply, catalog: Catalog) -> Iterator[tuple[str, UserInput, str]]:
    """(how the path shows it, the input, what it is) for every input tried at ``reply``."""
    for opt in reply.options:
        yield f"choose {opt.id}", UserInput(choice=opt.id), "option"
    yield f"say '{len(reply.options) + 1}'", UserInput(text=str(len(reply.options) + 1)), "text"
    yield "say ''", UserInput(text=""), "text"
    yield f"say '{SAMPLE_TEXT}'", UserInput(text=SAMPLE_TEXT), "text"
    if reply.max_text < MAX_INPUT_CHARS:
        over = reply.max_text + 1
        yield f"say <{over} characters>", UserInput(text="x" * over), "text"
    over = MAX_INPUT_CHARS + 1
    yield f"say <{over} characters>", UserInput(text="x" * over), "too long"
    words = catalog.meta.commands.get("help") or []
    if words:
        yield f"say '{words[0]}'", UserInput(text=words[0]), "help"


def explore(
    flowset: FlowSet,
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_paths: int = DEFAULT_MAX_PATHS,
    locales: list[str] | None = None,
) -> Report:
    """Walk ``flowset`` in each of ``locales`` (every language by default)."""
    report = Report()
    for locale in locales or list(flowset.catalogs):
        _explore_locale(flowset, locale, max_depth, max_paths, report)
    return report


def _explore_locale(
    flowset: FlowSet, locale: str, max_depth: int, max_paths: int, report: Report
) -> None:
    engine = Engine(flowset)
    catalog = flowset.catalogs[locale]
    program = flowset.program
    helps = {program.help, program.exit_check, program.youth.help if program.youth else None}
    """Where the help word may lead: help; inside a crisis path the exit check-in, which carries
    the numbers and leads on to help (S6); once under 18, the youth help (S7)."""
    seen: dict[Key, _Place] = {}
    expanded: set[Key] = set()
    edges: dict[Key, set[Key]] = {}
    reported: set[tuple[str, str, str]] = set()
    queue: deque[_Place] = deque()
    turns = 0

    def find(kind: str, where: str, message: str, path: tuple[str, ...]) -> None:
        if (kind, where, message) not in reported:
            reported.add((kind, where, message))
            report.findings.append(Finding(locale, kind, where, message, path))

    starts = [program.start, *sorted(f for f in flowset.flows if f != program.start)]
    for flow in starts:
        path: tuple[str, ...] = (f"start {flow}",)
        try:
            session, reply = engine.start(locale, flow)
        except Exception as err:
            _crash(find, f"{flow} (start)", err, path)
            continue
        place = _Place(session, reply, path, 0, _key(session))
        if place.key not in seen:
            seen[place.key] = place
            queue.append(place)

    while queue:
        if len(expanded) >= max_paths:
            report.truncated.append(locale)
            break
        place = queue.popleft()
        reply, where = place.reply, f"{place.session.flow}.{place.session.state}"
        if not reply.ended and not reply.options and reply.input in ("choice", "none"):
            find("dead end", where, "the conversation waits with no option and no text box "
                 "(only the help, menu and end commands work)", place.path)
        if place.depth >= max_depth and not reply.ended:
            if locale not in report.truncated:
                report.truncated.append(locale)
            continue
        expanded.add(place.key)
        if reply.ended:
            continue
        for shown, user, what in _inputs(reply, catalog):
            session = _copy(place.session)
            path = (*place.path, shown)  # the way here, for the report
            turns += 1
            try:
                got = engine.turn(session, user)
            except InputError as err:
                if what != "too long":
                    find("crash", where, f"{shown} was refused: {err}", path)
                continue
            except Exception as err:
                _crash(find, where, err, path)
                continue
            if what == "help" and got.flow not in helps:
                find("help", where, f"the help word led to {got.flow}.{got.state}, "
                     f"not the help flow '{program.help}'", path)
            key = _key(session)
            if what != "help" and not _command_word(flowset, user):
                edges.setdefault(place.key, set()).add(key)  # commands are not ways on
            if key in seen:
                continue
            seen[key] = _Place(session, got, path, place.depth + 1, key)
            if len(session.stack or ()) <= len(place.session.stack or ()):
                queue.append(seen[key])
            # else an interruption (help, a crisis path, however entered): checked here, not
            # walked on, since each pushes where the user was and the stacks would multiply;
            # the flow it leads to is walked from its own start, as every flow is
    report.places[locale] = len(expanded)
    report.turns[locale] = turns
    report.states[locale] = {f"{k[0]}.{k[1]}" for k in seen if not k[3]}

    stuck = {k for k in seen if edges.get(k) == {k} and k[0] != program.help}
    for key in (k for k in seen if k in stuck):  # in the order found: shortest paths first
        find("dead end", f"{key[0]}.{key[1]}", "every option and answer comes back to this "
             "same question", seen[key].path)

    # places from which neither the end nor help can be reached by options and answers
    good = {k for k, p in seen.items() if p.reply.ended or k[0] == program.help} | stuck
    good |= {k for k in seen if k not in expanded}  # not walked: cannot say
    reverse: dict[Key, set[Key]] = {}
    for src, dests in edges.items():
        for dest in dests:
            reverse.setdefault(dest, set()).add(src)
    todo = deque(good)
    while todo:
        for prev in reverse.get(todo.popleft(), ()):
            if prev not in good:
                good.add(prev)
                todo.append(prev)
    for key, place in seen.items():
        if key not in good:
            find("no way out", f"{key[0]}.{key[1]}", "no choice or answer leads to the end of "
                 "the conversation or to help from here (only the end command would)", place.path)


def _command_word(flowset: FlowSet, user: UserInput) -> bool:
    """True when typed text is read as a command (``help``; also ``?`` for an empty text, as
    input is compared without punctuation)."""
    return user.text is not None and normalise(clean_text(user.text)) in flowset.commands


def _crash(find: _Find, where: str, err: Exception, path: tuple[str, ...]) -> None:
    name = err.args[0] if isinstance(err, KeyError) and err.args else None
    if isinstance(name, str) and "." in name:  # locale keys have dots; flow and state names not
        find("missing key", where, f"message '{name}' has no text in this language", path)
    else:
        find("crash", where, f"{type(err).__name__}: {err}", path)
