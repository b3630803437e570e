"""The dialogue engine: one turn of a conversation, ``Engine.turn(session, input) -> Reply``.

Each flow of a loaded version compiles once to a ``transitions`` machine. Sessions are small
plain data; a turn points the flow's shared machine at the session's state, triggers, and reads
the state back, with no ``await`` in between. A turn, in order:

1. screen free text (``screen`` hook); a hit interrupts the flow with a crisis flow, an unsure
   category asks a check-in (not one the question itself asks about: a state's ``expects``)
2. a lapse typed anywhere (``lapse`` hook) leads to the program's lapse path; never kept in a slot
3. global commands (``help``, ``menu``, ``end``), typed or sent as a command
4. the flow step: an option by id, label or number, or text into the state's slot
5. render: locale keys to text, with the user's own words put in literally
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

from transitions import Machine

from bot import answers, check_in, crisis
from bot.catalog import COMMANDS, Catalog, clean_text, normalise
from bot.content import Content
from bot.errors import ContentError, InputError, LintFailed, SessionEnded, UnknownVersion
from bot.events import Events, entry_events
from bot.flow import (
    MAX_INPUT_CHARS,
    AskState,
    ChoiceState,
    EndState,
    Flow,
    MessageRef,
    Option,
    Program,
    SayState,
)
from bot.lint import lint_paths
from bot.plan import has_entries
from bot.resources import Directory
from bot.screening import Screening
from bot.session import InputKind, Message, Reply, ReplyOption, Session, UserInput

__all__ = [
    "MAX_INPUT_CHARS", "CompiledFlow", "Engine", "Event", "Events", "FlowSet", "Lapse", "Screen", "active_flows",
]

Screen = Callable[[str, str], "Screening | Sequence[str]"]
"""``screen(text, locale) -> Screening`` (or plain categories, all sure): the crisis screening
hook; sure categories interrupt, an unsure one asks a check-in (bot/check_in.py)."""

Lapse = Callable[[str, str], bool]
"""``lapse(text, locale) -> bool``: does the text tell of a lapse (``bot.lapse``)?"""

Event = tuple[str, str]
"""``(name, label)``, as reported through :data:`bot.events.Events`."""


def active_flows(session: Session) -> set[str]:
    """The flow the session is in and those waiting on its stack."""
    return {session.flow, *(f for f, _ in session.stack or ())}

PRIVACY_REMINDER_SUFFIX = "privacy_reminder"
"""Messages whose key ends so are reminders, repeated with a question but never as one."""
RESUMED = "system.resumed"
"""Said when the person goes back to where they were; then only the question, not its preamble."""
SHORT_ANSWER_WORDS = 3
"""A typed Yes / No answer this short is the answer, not a crisis, unless a phrase rule finds one
or its words after the answer's own are flagged (:meth:`Engine._short_answer`)."""
MAX_STACK = 8
MAX_HOPS = 64


class _Cursor:
    """The one model object a compiled flow's machine moves; ``state`` is set per turn."""

    state: str


class CompiledFlow:
    """A flow and its machine: states, and a trigger per in-flow transition."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.cursor = _Cursor()
        self.machine = Machine(
            model=self.cursor,
            states=list(flow.states),
            initial=flow.start,
            auto_transitions=False,
            ignore_invalid_triggers=False,
        )
        for name, state in flow.states.items():
            for opt in state.choices():
                if opt.go is not None:
                    self.machine.add_transition(_trigger("choose", opt.id), name, opt.go)
            if isinstance(state, AskState | SayState) and state.go is not None:
                kind = "answer" if isinstance(state, AskState) else "next"
                self.machine.add_transition(kind, name, state.go)
        self.events = self.machine.events

    def step(self, state: str, trigger: str) -> str:
        """The state that ``trigger`` leads to from ``state``."""
        self.cursor.state = state
        self.events[trigger].trigger(self.cursor)
        return self.cursor.state


def _question_start(say: Sequence[MessageRef]) -> int:
    """Where a state's question starts: its last message, with any privacy reminder after it
    (a reminder alone is not a question)."""
    start = len(say) - 1
    while start > 0 and say[start].key.endswith(PRIVACY_REMINDER_SUFFIX):
        start -= 1
    return max(start, 0)


def _trigger(kind: str, option_id: str) -> str:
    return f"{kind}:{option_id}"


class FlowSet:
    """One immutable version of the program: compiled flows and catalogs."""

    def __init__(self, content: Content) -> None:
        if content.program is None:
            raise ContentError("no flows/program.yaml: the program's roles (start, menu, help, resume) are unset")
        self.version = content.version
        self.program: Program = content.program
        self.catalogs: dict[str, Catalog] = content.catalogs
        self.resources: Directory = content.resources or Directory([])
        """Helplines and services of this version (resources/), for help shown outside flows."""
        self.flows = {fid: CompiledFlow(flow) for fid, flow in content.flows.items()}
        self.interruptions = frozenset({self.program.help, *self.program.crisis.values()})
        """Flows that interrupt: however they are entered, they end by offering to resume."""
        self.entry_events = entry_events(self.program, {f: c.flow for f, c in self.flows.items()})
        """Flow id -> the aggregate event its entry reports (``bot.events``)."""
        self.commands: dict[str, str] = {}
        for cat in self.catalogs.values():
            self.commands.update(cat.command_words())
        self._choices: dict[tuple[str, str, str], dict[str, int]] = {}
        self._answers: dict[tuple[str, str, str], list[answers.Phrase]] = {}
        self._bare: dict[str, list[answers.Phrase]] = {}

    @classmethod
    def from_paths(cls, flows_dir: Path, locale_dir: Path, *, base: Path | None = None) -> FlowSet:
        """Load, lint and compile the program; refuses (``LintFailed``) on any error. Screening
        and lapse phrases are checked where they are built (``bot.bootstrap.load_engine``), the
        corpus by ``redirection-bot lint`` (``lint_paths(program_only=True)``)."""
        content, problems = lint_paths(flows_dir, locale_dir, base=base, program_only=True)
        if any(p.severity == "error" for p in problems):
            raise LintFailed(problems)
        return cls(content)

    def choice_index(self, locale: str, flow: str, state: str) -> dict[str, int]:
        """Normalised option id and label -> option index, for typed choices."""
        key = (locale, flow, state)
        index = self._choices.get(key)
        if index is None:
            index = {}
            options = self.flows[flow].flow.states[state].choices()
            messages = self.catalogs[locale].messages
            for i, opt in enumerate(options):
                index.setdefault(normalise(messages[opt.label].render(None)), i)
            for i, opt in enumerate(options):
                index.setdefault(normalise(opt.id.replace("_", " ")), i)
            self._choices[key] = index
        return index

    def typed_answer(self, locale: str, flow: str, state: str, folded: str) -> int | None:
        """The yes / no / "not sure" option that the person's own words choose
        (:mod:`bot.answers`): "yeah right now" for Yes. Screen the words before taking it."""
        found = self.answer_and_rest(locale, flow, state, folded)
        return None if found is None else found[0]

    def answer_and_rest(self, locale: str, flow: str, state: str, folded: str) -> tuple[int, str] | None:
        """:meth:`typed_answer`, and the words after the answer's own."""
        key = (locale, flow, state)
        phrases = self._answers.get(key)
        if phrases is None:
            options = self.flows[flow].flow.states[state].choices()
            phrases = answers.phrases_for(self.catalogs[locale], options) if options else []
            self._answers[key] = phrases
        return answers.answer_and_rest(phrases, folded) if phrases else None

    def bare_answer(self, locale: str, folded: str) -> bool:
        """Whether the person's folded words are only a yes, a no or a "not sure" in their
        language (:func:`bot.answers.is_bare`), whatever the question asks."""
        phrases = self._bare.get(locale)
        if phrases is None:
            phrases = self._bare[locale] = answers.bare_phrases(self.catalogs[locale])
        return answers.is_bare(phrases, folded)


class Engine:
    """Runs conversations on loaded versions of the program."""

    def __init__(
        self,
        flowset: FlowSet,
        *,
        screen: Screen | None = None,
        events: Events | None = None,
        lapse: Lapse | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.versions: dict[str, FlowSet] = {flowset.version: flowset}
        self.current = flowset
        self.screen = screen
        self.events = events
        """Aggregate counters (``bot.events``): day totals, never linked to a session."""
        self.lapse = lapse
        self.clock = clock
        self._held = threading.local()
        """Per thread: the list a :meth:`turn` given ``held`` reports its events into (a turn
        runs without a pause, on the event loop or on one executor thread)."""

    # -- versions ------------------------------------------------------------------------

    def load(self, flowset: FlowSet) -> None:
        """Serve ``flowset`` to new conversations; those in progress keep their version."""
        self.versions[flowset.version] = flowset
        self.current = flowset

    def forget_versions_except(self, live: set[str]) -> None:
        """Drop versions no live session uses (never the current one)."""
        for v in list(self.versions):
            if v not in live and v != self.current.version:
                del self.versions[v]

    @property
    def locales(self) -> list[str]:
        return list(self.current.catalogs)

    # -- conversation --------------------------------------------------------------------

    def start(
        self, locale: str = "en", flow: str | None = None, *, count: bool = True
    ) -> tuple[Session, Reply]:
        """A new session at the start of ``flow`` (the program's start by default); ``count``
        False leaves the aggregate events out (the web counts a conversation at its first
        answer, since a start stores nothing: bot/web/conversation.py)."""
        fs = self.current
        if locale not in fs.catalogs:
            raise InputError(f"unknown locale '{locale}' (known: {', '.join(fs.catalogs)})")
        flow_id = flow or fs.program.start
        if flow_id not in fs.flows:
            raise InputError(f"unknown flow '{flow_id}'")
        now = self.clock()
        session = Session(
            locale=locale,
            version=fs.version,
            flow=flow_id,
            state=fs.flows[flow_id].flow.start,
            started=now,
            touched=now,
        )
        out: list[Message] = []
        if count:
            self.event("conversation_started", locale)
            self._entered(fs, flow_id)
        self._enter(fs, session, out)
        return session, self._reply(fs, session, out)

    def turn(self, session: Session, user: UserInput, *, held: list[Event] | None = None) -> Reply:
        """Answer one input; mutates ``session`` (the caller stores it). With ``held``, the
        turn's aggregate events go into that list instead of the ``events`` hook: a turn the
        caller may not keep (:meth:`report` them if it does)."""
        if held is None:
            return self._turn(session, user)
        self._held.events = held
        try:
            return self._turn(session, user)
        finally:
            self._held.events = None

    def report(self, events: Iterable[Event]) -> None:
        """Report events a :meth:`turn` held."""
        for event in events:
            self.event(*event)

    def opened_help(self, was: Collection[str], session: Session, reply: Reply) -> bool:
        """Whether the turn that gave ``reply`` opened, by what its words say rather than as an
        answer to the question asked, a crisis path (screening was sure: ``reply.screened``),
        a check-in (screening was unsure) or help, none of which the flows ``was`` active
        (:func:`active_flows` before the turn) had open. A typed "not sure" at a check-in leads
        into its crisis path too, but as the answer to a question."""
        fs = self.versions.get(session.version, self.current)
        flow = session.flow
        if flow in was:
            return False
        if flow == fs.program.help or check_in.is_check_in(flow):
            return True
        return flow in fs.interruptions and bool(reply.screened)

    def _turn(self, session: Session, user: UserInput) -> Reply:
        if session.ended:
            raise SessionEnded("this conversation has ended")
        fs = self.versions.get(session.version)
        if fs is None:
            raise UnknownVersion(f"flow version '{session.version}' is no longer loaded")
        session.touched = self.clock()
        session.seq += 1
        out: list[Message] = []
        screened: tuple[str, ...] = ()
        held, session.held = session.held, None
        check_in.tick(session)

        command = user.command
        text: str | None = None
        picked: int | None = None
        if user.text is not None:
            text = clean_text(user.text)
            if len(text) > MAX_INPUT_CHARS:
                raise InputError(f"text is longer than {MAX_INPUT_CHARS} characters")
            typed_command: str | None = None
            answer: tuple[int, str] | None = None
            if text:  # folded once: for the command words, the options, and so what to screen
                folded = normalise(text)
                typed_command = fs.commands.get(folded or text.strip())  # as command_key(text)
                picked = self._pick(fs, session, folded)
                if picked is None and typed_command is None:  # "yeah right now": screened below
                    answer = fs.answer_and_rest(session.locale, session.flow, session.state, folded)
            if self.screen is not None and text and typed_command is None and picked is None:
                # the person's own words (not an option's label or number, nor a command word)
                found = check_in.as_screening(self.screen(text, session.locale))
                found = check_in.expected(session, found, self._expects(fs, session))
                if found and (
                    self._short_answer(session, text, answer, found)
                    or (answer is None and self._bare_answer(fs, session, folded, found))
                ):
                    found = Screening(scores=found.scores)  # the answer to the question, no crisis
                screened = check_in.sure_now(session, found, fs.flows)
                if screened:
                    screened = self._with_confirmed(fs, session, answer, screened)
                if screened and self._interrupt(fs, session, screened, out, found):
                    return self._reply(fs, session, out, screened)
                if not screened and self._check_in(fs, session, found, text, out):
                    return self._reply(fs, session, out)
            if command is None and text and picked is None and self._lapsed(fs, session, text, screened):
                self._to_lapse(fs, session, out)
                return self._reply(fs, session, out, screened)
            if answer is not None:  # "yeah right now", screened above
                picked = answer[0]
            if command is None:
                command = typed_command
        if command is not None:
            if command not in COMMANDS:
                raise InputError(f"unknown command '{command}'")
            self._command(fs, session, command, out)
            return self._reply(fs, session, out, screened)

        if user.choice is not None:  # a choice by id wins over typed words, which are no answer
            picked, text = self._chosen(fs, session, user.choice), None
        self._step(fs, session, picked, text, out, held)
        return self._reply(fs, session, out, screened)

    # -- the steps -----------------------------------------------------------------------

    def _short_answer(self, session: Session, text: str, answer: tuple[int, str] | None, found: Screening) -> bool:
        """Whether typed words of at most :data:`SHORT_ANSWER_WORDS` answer the Yes / No question
        being asked ("yeah", "yes please", "tak, teraz") and are only that: what the learned
        stage reads in them is not a crisis. Session 30 found "yeah" typed at "Would you like to
        look at more?" asking "Are you having thoughts of ending your life?", and "tak, teraz"
        (yes, now) typed in the suicide path's first question opening the urge path: the
        corpus's check-in replies ("yes. worse since monday", labelled with the category they
        answer) teach the model that a bare yes is a crisis. A phrase rule's hit or ask (an
        ``ask_when`` phrase, a hit the model doubted) still counts, longer words are screened as
        always, and so are the words after the answer's own: "yeah took pills" is asked about
        ("took pills" is), "yes please" is not."""
        words = text.split()
        if answer is None or found.rules or found.asks or len(words) > SHORT_ANSWER_WORDS:
            return False
        rest = answer[1].split()
        if not rest or self.screen is None:
            return True
        # the person's own words after the answer's, as typed (folding may split words apart)
        after = " ".join(words[len(words) - len(rest) :]) if len(rest) < len(words) else " ".join(rest)
        return not check_in.as_screening(self.screen(after, session.locale))

    @staticmethod
    def _bare_answer(fs: FlowSet, session: Session, folded: str, found: Screening) -> bool:
        """Whether typed words at a question that is not a yes / no one are only a yes, a no or
        a "not sure" ("yes", "nie wiem", "joo", "no sé, gracias"): they answer the question,
        and what the learned stage reads in them is not a crisis, even with a risk note. A
        phrase rule's hit or ask still counts, as in :meth:`_short_answer`."""
        return not found.rules and not found.asks and fs.bare_answer(session.locale, folded)

    @staticmethod
    def _with_confirmed(
        fs: FlowSet, session: Session, answer: tuple[int, str] | None, screened: tuple[str, ...]
    ) -> tuple[str, ...]:
        """At a check-in, typed words that answer Yes or Not sure ("tak, teraz") make its
        category sure beside what screening found in them, so the path the person said yes to
        runs (the most urgent first, as always) even when the model reads a bare "yes, now" as
        another category: the answer is to the question they were asked."""
        if not check_in.is_check_in(session.flow):
            return screened
        category = check_in.category_of(session.flow)
        if category in screened or answer is None:
            return screened
        option = fs.flows[session.flow].flow.states[session.state].choices()[answer[0]]
        if option.target() != ("flow", fs.program.crisis.get(category)):
            return screened
        return (*screened, category)

    def _interrupt(self, fs: FlowSet, session: Session, categories: tuple[str, ...], out: list[Message],
                   found: Screening | None = None) -> bool:
        """Run the crisis flow of the most urgent category hit (most urgent first); later
        categories wait on the stack and run when it ends, and after them the check-ins that
        wait for a crisis path (:func:`bot.check_in.after_crisis`, from ``found``). False when
        nothing new applies."""
        active = active_flows(session)
        flows = [
            flow for cat, flow in fs.program.crisis.items() if cat in categories and flow not in active
        ]
        if not flows:
            return False
        then = () if found is None or session.youth else check_in.after_crisis(found, categories, fs.flows)
        if not check_in.is_check_in(session.flow):
            # a check-in is a way through, not a place to come back to: where the person was
            # before it already waits on the stack
            self._push(session, session.flow, session.state)
        for flow in reversed([f for f in then if f not in active]):
            self._push(session, flow, "")
        for flow in reversed(flows[1:]):
            self._push(session, flow, "")
        session.flow, session.state = flows[0], fs.flows[flows[0]].flow.start
        self._entered(fs, flows[0])
        self._enter(fs, session, out)
        return True

    def _lapsed(self, fs: FlowSet, session: Session, text: str, screened: tuple[str, ...]) -> bool:
        """Whether typed ``text`` calls for the lapse path: not inside it or a crisis path
        (those come first); the caller has made sure the words choose no option here ("I used"
        in a log). A screener that reports a ``lapse`` category (AGREEMENTS 6) is heard too."""
        lapse = fs.program.lapse
        if lapse is None or session.flow == lapse or (self.lapse is None and "lapse" not in screened):
            return False
        if session.youth:  # S7: the youth lock wins
            return False
        if session.flow in fs.interruptions and session.flow != fs.program.help:
            return False
        return "lapse" in screened or (self.lapse is not None and self.lapse(text, session.locale))

    def _to_lapse(self, fs: FlowSet, session: Session, out: list[Message]) -> None:
        """Open the lapse path; where the person was waits on the stack, to go back to."""
        assert fs.program.lapse is not None
        if session.flow != fs.program.menu:
            self._push(session, session.flow, session.state)
        session.flow, session.state = fs.program.lapse, fs.flows[fs.program.lapse].flow.start
        self._entered(fs, fs.program.lapse)
        self._enter(fs, session, out)

    @staticmethod
    def _expects(fs: FlowSet, session: Session) -> Sequence[str]:
        """The categories the question being answered asks about (an ask state's ``expects``):
        unsure ones get no check-in (``check_in.expected``)."""
        state = fs.flows[session.flow].flow.states[session.state]
        return state.expects if isinstance(state, AskState) else ()

    def _check_in(self, fs: FlowSet, session: Session, found: Screening, text: str, out: list[Message]) -> bool:
        """Ask the check-in of the most urgent unsure category, holding ``text``; never from
        inside a crisis path, help or another check-in."""
        flow = check_in.to_ask(found, fs.flows)
        active = active_flows(session)
        if flow is None or any(f in fs.interruptions or check_in.is_check_in(f) for f in active):
            return False
        self._push(session, session.flow, session.state)
        session.flow, session.state, session.held = flow, fs.flows[flow].flow.start, text
        self._entered(fs, flow)
        self._enter(fs, session, out)
        return True

    def _declined(self, fs: FlowSet, session: Session, held: str | None, out: list[Message]) -> None:
        """"No" to a check-in: back exactly where they were, the held text taken as what it was
        without the check-in: a lapse ("I used again last night") opens the lapse path, anything
        else is the answer."""
        check_in.note_declined(session, check_in.category_of(session.flow))
        if not session.stack:
            self._go_flow(fs, session, fs.program.menu)
            self._enter(fs, session, out)
            return
        flow, state = session.stack.pop()
        session.stack = session.stack or None
        session.flow, session.state = flow, state or fs.flows[flow].flow.start
        picked = self._pick(fs, session, normalise(held)) if held else None
        if held and picked is None and self._lapsed(fs, session, held, ()):
            self._to_lapse(fs, session, out)
        elif held:
            if picked is None:  # already screened: it is why the check-in asked
                picked = fs.typed_answer(session.locale, session.flow, session.state, normalise(held))
            self._step(fs, session, picked, held, out)
        else:
            self._enter(fs, session, out)

    def _command(self, fs: FlowSet, session: Session, command: str, out: list[Message]) -> None:
        if command != "end":
            self._go_flow(fs, session, fs.program.help if command == "help" else fs.program.menu)
        elif not self._detour(fs, session, "end"):  # S6: inside a crisis path, check in first
            out.append(self._message(fs, session, "system.goodbye"))
            session.ended = True
            session.stack = None
            session.slots = None
            return
        self._enter(fs, session, out)

    def _step(
        self,
        fs: FlowSet,
        session: Session,
        index: int | None,
        text: str | None,
        out: list[Message],
        held: str | None = None,
    ) -> None:
        """Take option ``index`` (chosen, or typed: :meth:`_chosen`, :meth:`_pick`), else put
        typed ``text`` into an ask state's slot, else ask again."""
        compiled = fs.flows[session.flow]
        state = compiled.flow.states[session.state]
        options: Sequence[Option] = state.choices()
        if index is not None:
            opt = options[index]
            if check_in.is_check_in(session.flow) and opt.back:
                self._declined(fs, session, held, out)
                return
            if opt.tally:
                self.event("feedback_answer", f"{session.flow}.{session.state}.{opt.id}")
            if opt.save is not None:
                label = fs.catalogs[session.locale].messages[opt.label].render(session.slots)
                session.slots = {**(session.slots or {}), opt.save: label}
                crisis.note_ratings(session)
            self._follow(fs, session, opt, _trigger("choose", opt.id), out)
            return
        if isinstance(state, AskState) and text is not None:
            if not text:
                self._repeat(fs, session, state, "system.empty", out)
                return
            if len(text) > state.max:
                self._repeat(fs, session, state, "system.too_long", out, {"max": str(state.max)})
                return
            slots = session.slots if session.slots is not None else {}
            slots[state.ask] = text
            session.slots = slots
            self._follow(fs, session, state, "answer", out)
            return
        self._repeat(fs, session, state, "system.not_understood", out)

    @staticmethod
    def _chosen(fs: FlowSet, session: Session, choice: str) -> int | None:
        """The index of the current state's option with id ``choice``, if any."""
        for i, opt in enumerate(fs.flows[session.flow].flow.states[session.state].choices()):
            if opt.id == choice:
                return i
        return None

    @staticmethod
    def _pick(fs: FlowSet, session: Session, folded: str) -> int | None:
        """The current state's option that typed words choose (``folded``: the text as
        :func:`bot.catalog.normalise` makes it): by its label or id, or by its number. Such words
        are the designers', chosen by typing, so they are not screened as the person's own."""
        options = fs.flows[session.flow].flow.states[session.state].choices()
        if not options:
            return None
        found = fs.choice_index(session.locale, session.flow, session.state).get(folded)
        if found is not None:
            return found
        if folded.isdigit() and 1 <= int(folded) <= len(options):  # an option's number
            return int(folded) - 1
        return None

    def _follow(
        self, fs: FlowSet, session: Session, source: Option | AskState | SayState, trigger: str, out: list[Message]
    ) -> None:
        target = source.target()
        assert target is not None  # the schema guarantees one
        kind, dest = target
        if kind == "go":
            session.state = fs.flows[session.flow].step(session.state, trigger)
        elif kind == "flow":
            self._leaving(fs, session, dest)
            self._go_flow(fs, session, dest)
        else:
            self._leaving(fs, session, None)
            resumed = session.stack is not None and bool(session.stack) and session.stack[-1][1] != ""
            self._back(fs, session)
            state = fs.flows[session.flow].flow.states[session.state]
            if resumed and RESUMED in fs.catalogs[session.locale].messages and state.say:
                # back where the person was: a bridge and the question, not the whole preamble
                out.append(self._message(fs, session, RESUMED))
                self._say(fs, session, state.say[_question_start(state.say):], out)
                return
        self._enter(fs, session, out)

    def _detour(self, fs: FlowSet, session: Session, leaving_to: str) -> bool:
        """S6: stop at the exit check-in before leaving a crisis path (its back returns)."""
        check = crisis.exit_detour(fs, session, leaving_to)
        if check is None or fs.program.exit_check is None:
            return False
        self._push(session, session.flow, session.state)
        session.flow, session.state = fs.program.exit_check, check
        return True

    def _go_flow(self, fs: FlowSet, session: Session, flow: str) -> None:
        if self._detour(fs, session, flow):
            return
        if flow == fs.program.menu:
            session.stack = None  # the menu is home: choosing from it starts afresh
        elif (
            flow in fs.interruptions
            and session.flow not in (flow, fs.program.help, fs.program.exit_check)
            and not (check_in.is_check_in(session.flow) and flow != fs.program.help)
        ):
            # the help page (and the exit check-in), and a screening check-in on its way to a
            # crisis path, are ways through, not places to come back to: the place to resume
            # stays the one they were opened from
            self._push(session, session.flow, session.state)
        session.flow, session.state = flow, fs.flows[flow].flow.start
        self._entered(fs, flow)

    def _back(self, fs: FlowSet, session: Session) -> None:
        if session.stack:
            flow, state = session.stack.pop()
            if not session.stack:
                session.stack = None
            session.flow, session.state = flow, state or fs.flows[flow].flow.start
            if not state:  # a crisis flow that waited its turn starts now
                self._entered(fs, flow)
        else:
            self._go_flow(fs, session, fs.program.menu)

    def _enter(self, fs: FlowSet, session: Session, out: list[Message]) -> None:
        """Say the current state's messages; run on through say states and flow ends until the
        conversation waits for the user (or ends)."""
        for _ in range(MAX_HOPS):
            crisis.youth_guard(fs, session)  # S7
            state = fs.flows[session.flow].flow.states[session.state]
            self._say(fs, session, state.say, out)
            if isinstance(state, SayState):
                self._follow_quietly(fs, session, state)
                continue
            if isinstance(state, EndState):
                self._leaving(fs, session, None)
                if state.end == "conversation":
                    session.stack = None  # nothing to resume, nothing queued: it is over
                elif session.stack:
                    _, pending = session.stack[-1]
                    if pending == "":  # a crisis flow waiting its turn: run it now
                        self._back(fs, session)
                    else:
                        self._go_flow(fs, session, fs.program.resume)
                    continue
                elif session.flow in fs.program.crisis.values():  # S4: even with nothing to resume
                    self._go_flow(fs, session, fs.program.resume)
                    continue
                session.ended = True
                session.slots = None
            return
        raise RuntimeError(f"more than {MAX_HOPS} states without input at {session.flow}.{session.state}")

    def _follow_quietly(self, fs: FlowSet, session: Session, state: SayState) -> None:
        kind, dest = state.target() or ("go", session.state)
        if kind == "go":
            session.state = fs.flows[session.flow].step(session.state, "next")
        elif kind == "flow":
            self._leaving(fs, session, dest)
            self._go_flow(fs, session, dest)
        else:
            self._leaving(fs, session, None)
            self._back(fs, session)

    # -- aggregate events (bot.events): names and content ids only, nothing of the session ----

    def event(self, name: str, label: str = "") -> None:
        """Report an aggregate event (``bot.events``) to the ``events`` hook, if any (or to the
        list a held turn gives)."""
        held = getattr(self._held, "events", None)
        if held is not None:
            held.append((name, label))
        elif self.events is not None:
            self.events(name, label)

    def _entered(self, fs: FlowSet, flow: str) -> None:
        event = fs.entry_events.get(flow)
        if event is not None:
            self.event(*event)

    def _leaving(self, fs: FlowSet, session: Session, dest: str | None) -> None:
        """A module left by its own last step (to a flow that is not an interruption, back, or
        an end) is completed."""
        if dest not in fs.interruptions and fs.entry_events.get(session.flow, ("",))[0] == "module_reached":
            self.event("module_completed", session.flow)

    def _repeat(
        self,
        fs: FlowSet,
        session: Session,
        state: ChoiceState | AskState | SayState | EndState,
        key: str,
        out: list[Message],
        extra: dict[str, str] | None = None,
    ) -> None:
        """Say ``key`` politely, then the state's question again: its last message, with any
        privacy reminder after it (a reminder alone is not a question)."""
        out.append(self._message(fs, session, key, extra))
        self._say(fs, session, state.say[_question_start(state.say):], out)

    def _say(self, fs: FlowSet, session: Session, refs: Sequence[MessageRef], out: list[Message]) -> None:
        slots = session.slots
        for ref in refs:
            if ref.if_filled is not None and not (slots and slots.get(ref.if_filled)):
                continue
            if ref.if_any is not None and not (slots and any(slots.get(name) for name in ref.if_any)):
                continue
            if ref.unless is not None and slots and any(slots.get(name) for name in ref.unless):
                continue
            out.append(self._message(fs, session, ref.key, slots))

    @staticmethod
    def _message(fs: FlowSet, session: Session, key: str, slots: dict[str, str] | None = None) -> Message:
        return Message(key, fs.catalogs[session.locale].messages[key].render(slots))

    @staticmethod
    def _push(session: Session, flow: str, state: str) -> None:
        stack = session.stack if session.stack is not None else []
        stack.append((flow, state))
        del stack[:-MAX_STACK]
        session.stack = stack

    def _reply(
        self, fs: FlowSet, session: Session, out: list[Message], screened: tuple[str, ...] = ()
    ) -> Reply:
        state = fs.flows[session.flow].flow.states[session.state]
        kind: InputKind
        options: tuple[ReplyOption, ...] = ()
        if session.ended:
            kind = "none"
        else:
            messages = fs.catalogs[session.locale].messages
            opts = state.choices()
            options = tuple(
                ReplyOption(o.id, messages[o.label].render(session.slots)) for o in opts
            )
            if isinstance(state, AskState):
                kind = "choice_or_text" if options else "text"
            else:
                kind = "choice"
        return Reply(
            messages=tuple(out),
            options=options,
            input=kind,
            ended=session.ended,
            flow=session.flow,
            state=session.state,
            locale=session.locale,
            seq=session.seq,
            screened=screened,
            max_text=state.max if isinstance(state, AskState) else MAX_INPUT_CHARS,
            resources=crisis.reply_resources(fs, session),  # S6
            plan=has_entries(session.slots),
        )
