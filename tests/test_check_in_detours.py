"""scripts/check_in_detours.py: after a retrain, scripts gain or lose exactly the check-in
detours the model now asks, and nothing else is touched."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from bot.bootstrap import load_flowset
from bot.engine import Engine
from bot.screening import Screening
from bot.script import EngineDriver, load_script, run_script

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "conversations" / "modules" / "why_change_happy_en.yaml"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_in_detours", ROOT / "scripts" / "check_in_detours.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _engine(unsure_on: str | None) -> Engine:
    def screen(text: str, locale: str) -> Screening:
        return Screening(unsure=("suicide",)) if unsure_on and unsure_on in text else Screening()

    return Engine(load_flowset(ROOT), screen=screen)


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / SCRIPT.name
    shutil.copy(SCRIPT, path)
    return path


def test_a_new_check_in_gets_a_detour_and_a_lost_one_is_dropped(script: Path) -> None:
    tool = _tool()
    original = script.read_text(encoding="utf-8")
    assert "check_in_" not in original
    # the model asks on "peace of mind": a detour there, the rest of the script unchanged
    asks = _engine("peace of mind")
    assert not run_script(load_script(script), EngineDriver(asks)).ok
    assert tool.bring_in_line(script, asks) is None
    assert run_script(load_script(script), EngineDriver(asks)).ok
    lines = script.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "say: peace of mind" in line)
    assert "check_in_suicide" in " ".join(lines[at + 1 : at + 3])
    assert '- choose: "no"' in " ".join(lines[at + 2 : at + 4])
    assert len(lines) == len(original.splitlines()) + 3  # a note, the expectation, the "No"
    # after a retrain it asks on "I will feel lonely" instead: the old detour goes, a new one comes
    moved = _engine("I will feel lonely")
    assert tool.bring_in_line(script, moved) is None
    edited = script.read_text(encoding="utf-8")
    assert edited.count("check_in_suicide") == 1
    assert run_script(load_script(script), EngineDriver(moved)).ok
    # and with the model quiet everywhere, the script is exactly as it was
    assert tool.bring_in_line(script, _engine(None)) is None
    assert script.read_text(encoding="utf-8") == original


def test_an_interrupt_that_became_a_check_in_is_left_for_a_person(tmp_path: Path) -> None:
    tool = _tool()
    path = tmp_path / "suicide_en.yaml"
    shutil.copy(ROOT / "tests" / "conversations" / "interrupts" / "suicide_en.yaml", path)
    before = path.read_text(encoding="utf-8")
    said = next(t.say for t in load_script(path).turns if t.say)
    assert said
    problem = tool.bring_in_line(path, _engine(said))
    assert problem is not None and "crisis_" in problem
    assert path.read_text(encoding="utf-8") == before
