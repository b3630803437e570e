"""Scripted conversations run as tests: every script under tests/conversations/.

The interrupt scripts need the crisis screener wired into the engine (``load_engine``); until it
is, they are skipped, and a stand-in screen that knows only their own utterances checks that
the rest of each script (the crisis walk and the resume) is right.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.script import EngineDriver, Script, find_scripts, load_script, run_script

HERE = Path(__file__).parent / "conversations"
INTERRUPTS = HERE / "interrupts"
SCRIPTS = list(find_scripts([HERE]))


def _id(path: Path) -> str:
    return str(path.relative_to(HERE))


def _run(script: Script, engine: Engine) -> None:
    result = run_script(script, EngineDriver(engine))
    report = [f.render() for f in result.failures]
    if result.error:
        report.append(f"crashed: {result.error}")
    assert result.ok, "\n".join(report)


@pytest.mark.parametrize("path", SCRIPTS, ids=_id)
def test_script(engine: Engine, path: Path) -> None:
    if INTERRUPTS in path.parents and engine.screen is None:
        pytest.skip("needs the crisis screener in load_engine")
    _run(load_script(path), engine)


def test_there_are_crisis_scripts_in_both_languages() -> None:
    for folder in ("crisis", "interrupts"):
        locales = {load_script(p).locale for p in find_scripts([HERE / folder])}
        assert locales == {"en", "es"}


INTERRUPT_SCRIPTS = list(find_scripts([INTERRUPTS]))


@pytest.mark.parametrize("path", INTERRUPT_SCRIPTS, ids=_id)
def test_interrupt_script_walks_and_resumes_with_a_stand_in_screen(
    engine: Engine, path: Path
) -> None:
    script = load_script(path)
    said = {
        (t.say, script.locale): tuple(t.expect.screened)
        for t in script.turns
        if t.say is not None and t.expect.screened
    }
    assert said, "an interrupt script types a crisis utterance and expects `screened`"

    def screen(text: str, locale: str) -> Sequence[str]:
        return said.get((text, locale), ())

    _run(script, Engine(engine.current, screen=screen))
