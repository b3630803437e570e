"""Checks that need the whole program: targets, reachability, dead ends, keys and slots.

``lint_content`` returns problems sorted by file and line; errors stop the server from starting,
warnings do not (``redirection-bot lint --strict`` fails on them too).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from pathlib import Path

from bot import check_in
from bot.catalog import Catalog
from bot.content import Content, load_content, message_refs
from bot.flow import AskState, ChoiceState, EndState, Flow, MessageRef, Option, SayState, State
from bot.lapse import lint_lapse
from bot.problems import Place, Problem, did_you_mean
from bot.resources import lint_resources, load_resources
from bot.screening import CATEGORIES, lint_screening
from bot.screening.corpus import lint_corpus
from bot.yamlsource import Source

__all__ = ["SYSTEM_KEYS", "lint_content", "lint_paths"]

SYSTEM_KEYS = (
    "system.not_understood",
    "system.too_long",
    "system.empty",
    "system.goodbye",
)
"""Messages the engine itself says; every language must have them."""

EXIT_CHECK_STATES = ("menu", "help", "end")
"""The exit check-in's states, one per command it stops (S6; bot/crisis.py)."""
CODE_KEY_PREFIXES = ("system.", "web.", "cli.")
"""Keys with these prefixes are said by code, not flows: never reported as unused."""


def lint_paths(
    flows_dir: Path, locale_dir: Path, *, base: Path | None = None, program_only: bool = False
) -> tuple[Content, list[Problem]]:
    """Load and check everything; problems are sorted by place.

    ``program_only`` checks what a :class:`~bot.engine.FlowSet` runs (flows, catalogs,
    resources) and leaves out the screening and lapse phrases, which the screener and the lapse
    finder check themselves when they are built (each refuses to start on an error), and the
    screening corpus, which is training data a running program never reads. Those were most of
    the time a program load took."""
    content, problems = load_content(flows_dir, locale_dir, base=base)
    problems.extend(lint_content(content))
    problems.extend(_check_resources(flows_dir.parent / "resources", content, base))
    if not program_only:
        root = base if base is not None else Path.cwd()
        problems.extend(lint_screening(locale_dir, root))
        problems.extend(lint_lapse(locale_dir, root))
        problems.extend(lint_corpus(flows_dir.parent / "corpus", root))
    return content, sorted(set(problems), key=Problem.sort_key)


def lint_content(content: Content) -> list[Problem]:
    problems: list[Problem] = []
    problems += _check_program(content)
    problems += _check_crisis_first_step(content)
    for flow_id, flow in content.flows.items():
        src = content.sources[flow_id]
        problems += _check_targets(flow, src, content)
        problems += _check_graph(flow, src, _entry_states(content, flow_id))
        problems += _check_slots(flow, src, content)
        problems += _check_expects(flow, src, content)
    problems += _check_keys(content)
    return problems


def _exits(state: object) -> Iterator[tuple[tuple[str | int, ...], tuple[str, str] | None]]:
    """(path suffix, target) for every way out of a state."""
    if isinstance(state, ChoiceState | AskState):
        for i, opt in enumerate(state.options):
            yield ("options", i, _target_key(opt)), opt.target()
    if isinstance(state, AskState | SayState):
        yield (_target_key(state),), state.target()


def _target_key(obj: Option | AskState | SayState) -> str:
    kind, _ = obj.target() or ("go", "")
    return kind


def _check_program(content: Content) -> list[Problem]:
    program, src = content.program, content.program_source
    if program is None or src is None:
        return []
    out = []
    for role in ("start", "menu", "help", "resume", "lapse"):
        flow_id = getattr(program, role)
        if flow_id is not None and flow_id not in content.flows and flow_id not in content.broken_flows:
            out.append(
                Problem(
                    src.place(("program", role)),
                    f"{role} flow '{flow_id}' is not a flow{did_you_mean(flow_id, content.flows)}",
                )
            )
    roles: list[tuple[tuple[str | int, ...], str]] = []
    if program.exit_check is not None:
        roles.append((("program", "exit_check"), program.exit_check))
    if program.youth is not None:
        roles.append((("program", "youth", "help"), program.youth.help))
        roles += [(("program", "youth", "allow", i), f) for i, f in enumerate(program.youth.allow)]
    for path, flow_id in roles:
        if flow_id not in content.flows and flow_id not in content.broken_flows:
            out.append(
                Problem(src.place(path), f"flow '{flow_id}' is not a flow{did_you_mean(flow_id, content.flows)}")
            )
    check = content.flows.get(program.exit_check or "")
    if check is not None:
        missing = [s for s in EXIT_CHECK_STATES if s not in check.states]
        if missing:
            out.append(
                Problem(
                    src.place(("program", "exit_check")),
                    f"exit check flow '{check.flow}' needs a state for each command it checks: "
                    f"add {', '.join(repr(m) for m in missing)}",
                )
            )
    for category, flow_id in program.crisis.items():
        if flow_id not in content.flows and flow_id not in content.broken_flows:
            out.append(
                Problem(
                    src.place(("program", "crisis", category)),
                    f"crisis flow '{flow_id}' for '{category}' is not a flow"
                    f"{did_you_mean(flow_id, content.flows)}",
                )
            )
    return out


def _check_targets(flow: Flow, src: Source, content: Content) -> list[Problem]:
    out = []
    if flow.start not in flow.states:
        out.append(
            Problem(
                src.place(("start",)),
                f"start state '{flow.start}' is not a state of flow '{flow.flow}'"
                f"{did_you_mean(flow.start, flow.states)}",
            )
        )
    for name, state in flow.states.items():
        for suffix, target in _exits(state):
            if target is None:
                continue
            kind, dest = target
            path = ("states", name, *suffix)
            where = f"state '{name}'"
            if len(suffix) == 3:
                opt = state.options[int(suffix[1])]  # type: ignore[union-attr]
                where += f", option '{opt.id}'"
            if kind == "go" and dest not in flow.states:
                out.append(
                    Problem(
                        src.place(path),
                        f"{where}: go '{dest}' is not a state of flow '{flow.flow}'"
                        f"{did_you_mean(dest, flow.states)}",
                    )
                )
            elif kind == "flow" and dest not in content.flows and dest not in content.broken_flows:
                out.append(
                    Problem(
                        src.place(path),
                        f"{where}: flow '{dest}' is not a flow{did_you_mean(dest, content.flows)}",
                    )
                )
    return out


def _edges(flow: Flow) -> dict[str, list[str]]:
    """In-flow successors of each state."""
    edges: dict[str, list[str]] = {}
    for name, state in flow.states.items():
        edges[name] = [t[1] for _, t in _exits(state) if t and t[0] == "go" and t[1] in flow.states]
    return edges


def _leaves_flow(state: object, states: Mapping[str, object]) -> bool:
    """Ends the flow, leads out of it, or has a broken target (reported on its own)."""
    if isinstance(state, EndState):
        return True
    return any(t is not None and (t[0] != "go" or t[1] not in states) for _, t in _exits(state))


def _entry_states(content: Content, flow_id: str) -> tuple[str, ...]:
    """States the engine enters directly, besides the start: the exit check-in's (S6)."""
    program = content.program
    if program is not None and program.exit_check == flow_id:
        return EXIT_CHECK_STATES
    return ()


def _reachable(flow: Flow, edges: dict[str, list[str]], entries: tuple[str, ...] = ()) -> set[str]:
    seen = {flow.start, *(e for e in entries if e in flow.states)}
    queue = deque(seen)
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _check_graph(flow: Flow, src: Source, entries: tuple[str, ...] = ()) -> list[Problem]:
    out: list[Problem] = []
    if flow.start not in flow.states:
        return out
    edges = _edges(flow)
    seen = _reachable(flow, edges, entries)
    for name in flow.states:
        if name not in seen:
            out.append(
                Problem(
                    src.place(("states", name), key=True),
                    f"state '{name}' cannot be reached from start state '{flow.start}'",
                )
            )
    # dead ends: states from which the user can never leave the flow
    reverse: dict[str, list[str]] = {n: [] for n in flow.states}
    for n, succ in edges.items():
        for m in succ:
            reverse[m].append(n)
    alive = {n for n, s in flow.states.items() if _leaves_flow(s, flow.states)}
    queue = deque(alive)
    while queue:
        for prev in reverse[queue.popleft()]:
            if prev not in alive:
                alive.add(prev)
                queue.append(prev)
    for name in flow.states:
        if name in seen and name not in alive:
            out.append(
                Problem(
                    src.place(("states", name), key=True),
                    f"state '{name}' is a dead end: no path from it ends the flow or leads out of it",
                )
            )
    # loops that never wait for the user (say states only)
    for name, state in flow.states.items():
        chain, cur = [name], state
        while isinstance(cur, SayState) and cur.go is not None and cur.go in flow.states:
            if cur.go in chain:
                if cur.go == name:
                    loop = " -> ".join([*chain, cur.go])
                    out.append(
                        Problem(
                            src.place(("states", name), key=True),
                            f"states {loop} loop without waiting for the user",
                        )
                    )
                break
            chain.append(cur.go)
            cur = flow.states[cur.go]
    return out


def _state_slots(state: State, catalogs: dict[str, Catalog]) -> list[tuple[tuple[str | int, ...], str, str | None]]:
    """(path suffix, slot used, guard) for every slot a state's messages use, in any language."""
    out: list[tuple[tuple[str | int, ...], str, str | None]] = []
    refs: list[tuple[tuple[str | int, ...], str, str | None]] = []
    for i, ref in enumerate(state.say):
        refs.append((("say", i), ref.key, ref.if_filled))
    for i, opt in enumerate(state.choices()):
        refs.append((("options", i, "label"), opt.label, None))
    for suffix, key, guard in refs:
        used: set[str] = set()
        for cat in catalogs.values():
            tpl = cat.messages.get(key)
            if tpl is not None:
                used.update(tpl.slots)
        out.extend((suffix, slot, guard) for slot in sorted(used))
    return out


def _check_slots(flow: Flow, src: Source, content: Content) -> list[Problem]:
    """A slot shown before any path through this flow can have filled it is an error."""
    if flow.start not in flow.states:
        return []
    edges = _edges(flow)
    every = {s.ask for s in flow.states.values() if isinstance(s, AskState)}
    preds: dict[str, list[str]] = {n: [] for n in flow.states}
    for n, succ in edges.items():
        for m in succ:
            preds[m].append(n)

    every |= {
        o.save for s in flow.states.values() for o in s.choices() if o.save
    }
    filled_in = {n: set(every) for n in flow.states}
    filled_in[flow.start] = set()

    def edge_fills(src_name: str, dest: str) -> list[set[str]]:
        """What each edge from ``src_name`` to ``dest`` has filled on arrival."""
        st = flow.states[src_name]
        base = filled_in[src_name]
        fills = []
        for opt in st.choices():
            if opt.go == dest:
                fills.append(base | ({opt.save} if opt.save else set()))
        if isinstance(st, AskState) and st.go == dest:
            fills.append(base | {st.ask})
        if isinstance(st, SayState) and st.go == dest:
            fills.append(set(base))
        return fills

    changed = True
    while changed:
        changed = False
        for n in flow.states:
            if n == flow.start:
                continue
            arrivals = [f for p in set(preds[n]) for f in edge_fills(p, n)]
            new = set.intersection(*arrivals) if arrivals else set()
            if new != filled_in[n]:
                filled_in[n] = new
                changed = True
    out = []
    reachable = _reachable(flow, edges, _entry_states(content, flow.flow))
    for name, state in flow.states.items():
        if name not in reachable:
            continue  # reported as unreachable
        for suffix, slot, guard in _state_slots(state, content.catalogs):
            if slot == guard or slot in filled_in[name]:
                continue
            out.append(
                Problem(
                    src.place(("states", name, *suffix)),
                    f"state '{name}': message uses slot '{slot}' before any state of flow "
                    f"'{flow.flow}' can fill it (ask for it earlier, or show the message "
                    f"only `if: {slot}`)",
                )
            )
    return out


def _check_expects(flow: Flow, src: Source, content: Content) -> list[Problem]:
    """``expects`` (categories a question asks about, whose unsure band asks no check-in there):
    only on ask states outside crisis paths, help and check-ins; known categories; never the
    ones in ``check_in.NEVER_EXPECTED``."""
    program = content.program
    guarded: set[str | None] = set()
    if program is not None:
        guarded = {*program.crisis.values(), program.help, program.exit_check}
        guarded.add(program.youth.help if program.youth is not None else None)
    where = ""
    if check_in.is_check_in(flow.flow):
        where = f"check-in flow '{flow.flow}'"
    elif flow.flow in guarded:
        where = f"flow '{flow.flow}' (a crisis path, help or the youth path)"
    allowed = [c for c in CATEGORIES if c not in check_in.NEVER_EXPECTED]
    out: list[Problem] = []
    for name, state in flow.states.items():
        if not state.expects:
            continue
        path = ("states", name, "expects")
        if where:
            out.append(Problem(src.place(path, key=True),
                               f"state '{name}': expects is not allowed in {where}: screening "
                               "there is never softened (remove it)"))
            continue
        if not isinstance(state, AskState):
            out.append(Problem(src.place(path, key=True),
                               f"state '{name}': expects is only allowed on a state that takes "
                               "typed text (one with `ask:`); remove it or move it there"))
            continue
        seen: set[str] = set()
        for i, cat in enumerate(state.expects):
            if cat in check_in.NEVER_EXPECTED:
                out.append(Problem(src.place((*path, i)),
                                   f"state '{name}': expects may never list '{cat}': "
                                   f"{check_in.NEVER_EXPECTED[cat]} "
                                   "(remove it)"))
            elif cat not in CATEGORIES:
                out.append(Problem(src.place((*path, i)),
                                   f"state '{name}': expects: '{cat}' is not a screening category"
                                   f"{did_you_mean(cat, allowed)} (it may list: {', '.join(allowed)})"))
            elif cat in seen:
                out.append(Problem(src.place((*path, i)),
                                   f"state '{name}': expects lists '{cat}' twice", "warning"))
            seen.add(cat)
    return out


def _check_keys(content: Content) -> list[Problem]:
    out: list[Problem] = []
    catalogs = content.catalogs
    used: dict[str, Place] = {}
    for flow_id, flow in content.flows.items():
        src = content.sources[flow_id]
        for path, ref in message_refs(flow):
            key = ref.key if isinstance(ref, MessageRef) else ref.label
            used.setdefault(key, src.place(path))
            if catalogs and not any(key in c.messages for c in catalogs.values()):
                known = {k for c in catalogs.values() for k in c.messages}
                out.append(
                    Problem(
                        src.place(path),
                        f"message key '{key}' is not in any catalog{did_you_mean(key, known)}",
                    )
                )
    for key in SYSTEM_KEYS:
        used.setdefault(key, Place("bot/lint.py"))
        for lang, cat in catalogs.items():
            if key not in cat.messages:
                out.append(
                    Problem(
                        Place(f"locale/{lang}"),
                        f"message '{key}' is missing (the engine says it; every language needs it)",
                    )
                )
    all_keys = sorted({k for c in catalogs.values() for k in c.messages})
    for key in all_keys:
        have = [lang for lang, c in catalogs.items() if key in c.messages]
        first = catalogs[have[0]]
        for lang, cat in catalogs.items():
            if key not in cat.messages and key not in SYSTEM_KEYS:
                out.append(
                    Problem(
                        first.places[key],
                        f"message '{key}' is in {', '.join(have)} but missing from '{lang}' "
                        f"(add it to {first.files[key].replace('/' + have[0] + '/', '/' + lang + '/')})",
                    )
                )
        slot_sets = {lang: set(catalogs[lang].messages[key].slots) for lang in have}
        if len({frozenset(s) for s in slot_sets.values()}) > 1:
            detail = "; ".join(f"{lang}: {sorted(s) or 'none'}" for lang, s in slot_sets.items())
            out.append(Problem(first.places[key], f"message '{key}' uses different slots by language ({detail})"))
        if key not in used and not key.startswith(CODE_KEY_PREFIXES) and not content.broken_flows:
            for lang in have:
                out.append(
                    Problem(
                        catalogs[lang].places[key],
                        f"message '{key}' is not used by any flow",
                        "warning",
                    )
                )
    return out


def _check_resources(folder: Path, content: Content, base: Path | None) -> list[Problem]:
    """The resource directory beside ``flows/``, if there is one."""
    if not folder.is_dir():
        return []
    directory, problems = load_resources(folder, base=base if base is not None else Path.cwd())
    content.resources = directory
    categories = content.program.crisis if content.program is not None else {}
    return problems + lint_resources(directory, categories, content.catalogs)


def _check_crisis_first_step(content: Content) -> list[Problem]:
    """S4: no answer to a crisis flow's first question may end the flow or leave it."""
    program = content.program
    out: list[Problem] = []
    for category, flow_id in (program.crisis if program is not None else {}).items():
        flow, src = content.flows.get(flow_id), content.sources.get(flow_id)
        if flow is None or src is None or flow.start not in flow.states:
            continue
        about = f"crisis flow '{flow_id}' (for '{category}')"
        fix = "a crisis path must not close on one answer: lead to a check-in state first (S4)"
        if _ends_or_leaves(flow, ("go", flow.start)):
            early = f"{about} ends before it asks anything; a crisis path checks in first (S4)"
            out.append(Problem(src.place(("start",)), early))
            continue
        name, seen = flow.start, set()
        while isinstance(flow.states.get(name), SayState) and name not in seen:
            seen.add(name)
            name = flow.states[name].go or ""  # type: ignore[union-attr]
        first = flow.states.get(name)
        if not isinstance(first, ChoiceState | AskState):
            continue  # a loop of say states: _check_graph reports it
        for suffix, target in _exits(first):
            if target is None or not _ends_or_leaves(flow, target):
                continue
            what = (
                f"option '{first.options[int(suffix[1])].id}'"
                if len(suffix) == 3
                else "the answer"
            )
            verb = "ends" if target[0] == "go" else "leaves"
            out.append(
                Problem(
                    src.place(("states", name, *suffix)),
                    f"{about}: {what} in its first question ('{name}') {verb} the flow; {fix}",
                )
            )
    return out


def _ends_or_leaves(flow: Flow, target: tuple[str, str] | None) -> bool:
    """True when ``target`` leaves the flow, or reaches its end without waiting for the user."""
    seen: set[str] = set()
    while target is not None and target[0] == "go":
        state = flow.states.get(target[1])
        if state is None or target[1] in seen:
            return False
        if isinstance(state, EndState):
            return True
        if not isinstance(state, SayState):
            return False
        seen.add(target[1])
        target = state.target()
    return target is not None
