"""After a retrain, bring the scripted conversations' check-in detours in line with the model.

    .venv/bin/python scripts/check_in_detours.py            # list what would change
    .venv/bin/python scripts/check_in_detours.py --write    # and change it

Retraining the learned stage moves individual decisions: an everyday answer a script types may
now get a check-in ("Are you having thoughts of ...?"), or lose one it had. This replays every
script under tests/conversations/ and, where the first failure is exactly that, edits the script:

- a typed answer (``say``) in a program flow now gets a check-in the script did not expect:
  the turn expects the check-in and a ``choose: "no"`` turn follows, holding the turn's old
  expectations (a "No" takes the typed text as the answer, so the conversation goes on as before);
- a detour the model no longer asks for is removed (the ``choose: "no"`` turn's expectations go
  back to the typed turn);
- a detour that now asks about another category names the new check-in flow.

Nothing else is touched: a crisis script whose interrupt became a check-in, or any other
difference, is listed as needing a person, and the script is left as it is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.bootstrap import load_engine  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.script import EngineDriver, Script, find_scripts, load_script, run_script  # noqa: E402

CHECK_IN = "check_in_"
DETOUR = '{pad}expect: {{flow: {flow}, options: ["yes", "no", not_sure]}}\n'
NOTE = "{pad}# screening is unsure here (a check-in on everyday words: one tap lost, not the answer)\n"


def _turn_nodes(text: str) -> list[yaml.MappingNode]:
    root = yaml.compose(text)
    assert isinstance(root, yaml.MappingNode)
    for key, value in root.value:
        if key.value == "turns" and isinstance(value, yaml.SequenceNode):
            return [n for n in value.value if isinstance(n, yaml.MappingNode)]
    return []


def _key_line(node: yaml.MappingNode, name: str) -> int | None:
    return next((k.start_mark.line for k, _ in node.value if k.value == name), None)


def _expected_flow(script: Script, number: int) -> str:
    exp = script.turns[number].expect
    keys = [*(exp.messages or ()), *(exp.has or ())]
    return exp.flow or (exp.state or "").split(".")[0] or (keys[0].split(".")[0] if keys else "")


def fix(
    path: Path, script: Script, number: int, reply: dict[str, str], interruptions: frozenset[str]
) -> str | None:
    """The script's new text, or None when the failure is not a check-in detour
    (``interruptions``: the crisis and help flows, whose scripts a person must read)."""
    turn = script.turns[number]
    if turn.say is None:
        return None
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    nodes = _turn_nodes(text)
    node = nodes[number]
    pad = " " * node.value[0][0].start_mark.column
    dash = " " * (node.start_mark.column - 2)
    expected, actual = _expected_flow(script, number), reply["flow"]
    if actual.startswith(CHECK_IN) and expected.startswith(CHECK_IN):
        at = _key_line(node, "expect")
        assert at is not None
        lines[at] = lines[at].replace(expected, actual)
        return "".join(lines)
    if actual.startswith(CHECK_IN):
        if expected in interruptions:
            return None  # an interrupt became a check-in: a person decides
        at = _key_line(node, "expect")
        if at is None:  # nothing expected after the answer: the detour goes at the turn's end
            last = node.value[-1][1].end_mark
            at = last.line if last.column == 0 else last.line + 1
        detour = [NOTE.format(pad=pad), DETOUR.format(pad=pad, flow=actual), f'{dash}- choose: "no"\n']
        return "".join([*lines[:at], *detour, *lines[at:]])
    if expected.startswith(CHECK_IN):
        following = script.turns[number + 1] if number + 1 < len(script.turns) else None
        if following is None or following.choose != "no":
            return None
        at = _key_line(node, "expect")
        assert at is not None
        drop = {at, nodes[number + 1].start_mark.line}
        if at > 0 and lines[at - 1].strip().startswith("# screening is unsure"):
            drop.add(at - 1)
        return "".join(line for i, line in enumerate(lines) if i not in drop)
    return None


def bring_in_line(path: Path, engine: Engine) -> str | None:
    """Edit the script at ``path`` until it replays on ``engine`` or fails otherwise; None when
    it replays, else what a person must look at."""
    for _ in range(40):
        script = load_script(path)
        result = run_script(script, EngineDriver(engine))
        if result.ok:
            return None
        if result.error or not result.failures:
            return str(result.error)
        number = result.failures[0].turn
        # a typed answer with no expectation of its own may have been checked in: the
        # failure then shows turns later, so look for the first unexpected check-in
        number = next(
            (
                i for i, reply in enumerate(result.replies[:number])
                if script.turns[i].say is not None and reply["flow"].startswith(CHECK_IN)
                and not _expected_flow(script, i).startswith(CHECK_IN)
            ),
            number,
        )
        new = fix(path, script, number, result.replies[number], engine.current.interruptions)
        if new is None:
            return result.failures[0].render().strip()
        path.write_text(new, encoding="utf-8")
    return "still failing after 40 edits"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="edit the scripts (default: only list)")
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "tests" / "conversations"])
    args = parser.parse_args(argv)
    engine = load_engine(ROOT)
    changed, stuck = 0, []
    for path in find_scripts([p.resolve() for p in args.paths]):
        original = path.read_text(encoding="utf-8")
        problem = bring_in_line(path, engine)
        if problem is not None:
            stuck.append(f"{path.relative_to(ROOT)}: {problem}")
        if path.read_text(encoding="utf-8") != original:
            changed += 1
            print(f"{'changed' if args.write else 'would change'}: {path.relative_to(ROOT)}")
            if not args.write:
                path.write_text(original, encoding="utf-8")
    for line in stuck:
        print(f"needs a person: {line}")
    print(f"{changed} script(s) {'changed' if args.write else 'to change'}, {len(stuck)} for a person")
    return 1 if stuck else 0


if __name__ == "__main__":
    raise SystemExit(main())
