"""Every scripted conversation shipped in tests/conversations/ runs as a test, and every written
module is walked by at least two scripts in each language (a happy path and a branch)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from bot.engine import Engine
from bot.paths import REPO_ROOT
from bot.script import EngineDriver, find_scripts, load_script, run_script

SCRIPTS = REPO_ROOT / "tests" / "conversations"
PATHS = list(find_scripts([SCRIPTS]))

LANGUAGES = ("en", "es", "fi", "pl")
MIN_SCRIPTS = 2
WRITTEN = (
    "welcome",
    "why_change",
    "understanding",
    "perspectives",
    "triggers",
    "needs",
    "thinking_traps",
    "urges",
    "environment",
    "wellbeing",
    "my_plan",
    "more_help",
    "feedback",
    "attraction",
    "relapse_prevention",
    "lapse",
)
"""Modules 0-12, the two modules of the second round, and the lapse path. The crisis paths add
themselves here as they are written."""


def test_there_are_scripts_to_replay() -> None:
    assert len(PATHS) >= 3


@pytest.mark.parametrize("path", PATHS, ids=[str(p.relative_to(SCRIPTS)) for p in PATHS])
def test_script(path: Path, shipped_engine: Engine) -> None:
    result = run_script(load_script(path), EngineDriver(shipped_engine))
    details = "\n".join(f.render() for f in result.failures)
    assert result.ok, f"{result.error or ''}\n{details}"


@pytest.fixture(scope="module")
def walked(shipped_engine: Engine) -> dict[tuple[str, str], set[str]]:
    """(flow, locale) -> the scripts that rest in at least two states of that flow."""
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in PATHS:
        script = load_script(path)
        result = run_script(script, EngineDriver(shipped_engine))
        states: dict[str, set[str]] = defaultdict(set)
        for reply in result.replies:
            states[reply["flow"]].add(reply["state"])
        for flow, rested in states.items():
            if len(rested) >= 2:
                seen[(flow, script.locale)].add(path.name)
    return seen


@pytest.mark.parametrize("locale", LANGUAGES)
@pytest.mark.parametrize("flow", WRITTEN)
def test_each_written_module_is_walked_by_two_scripts_per_language(walked, flow, locale):
    assert len(walked[(flow, locale)]) >= MIN_SCRIPTS, sorted(walked[(flow, locale)])


def test_the_script_shown_in_the_content_guide_replays(shipped_engine: Engine, tmp_path: Path) -> None:
    guide = (REPO_ROOT / "docs" / "content-guide.md").read_text(encoding="utf-8")
    blocks = [b.split("\n", 1)[1] for b in guide.split("```yaml")[1:]]
    example = next(b.split("```")[0] for b in blocks if b.startswith("script:"))
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    result = run_script(load_script(path), EngineDriver(shipped_engine))
    assert result.ok, result.error or "\n".join(f.render() for f in result.failures)


def test_there_are_crisis_and_interrupt_scripts_in_every_language(shipped_engine: Engine) -> None:
    languages = set(shipped_engine.current.catalogs)
    assert {"en", "es", "fi", "pl"} <= languages
    for folder in ("crisis", "interrupts"):
        locales = {load_script(p).locale for p in find_scripts([SCRIPTS / folder])}
        assert locales == languages


def _path(script: Any) -> list[Any]:
    """The turns that walk the program: a check-in's answer (screening unsure of everyday words,
    which differs by language) is a detour, not part of the path."""
    out, previous = [], None
    for turn in script.turns:
        if previous is None or not (previous.expect.flow or previous.expect.state or "").startswith("check_in_"):
            out.append(turn)
        previous = turn
    return out


PATH_FOLDERS = ("crisis", "interrupts", "modules", "program", "coverage", "demo")
"""Where every English script has a Finnish and a Polish counterpart (issue 15: every module
and every crisis path); the check-in scripts are the screener's, per language."""


def test_every_english_crisis_interrupt_module_and_program_script_has_a_finnish_counterpart() -> None:
    """Issue 15: the Finnish scripts walk the same paths as the English ones."""
    for folder in ("crisis", "interrupts", "modules", "program"):
        for path in (SCRIPTS / folder).glob("*_en.yaml"):
            finnish = path.with_name(path.name.removesuffix("_en.yaml") + "_fi.yaml")
            assert finnish.exists(), f"{path.name} has no Finnish counterpart"
            en, fi = load_script(path), load_script(finnish)
            assert (fi.locale, fi.flow, len(_path(fi))) == ("fi", en.flow, len(_path(en))), finnish.name


def test_every_english_script_has_a_polish_counterpart_on_the_same_path() -> None:
    """Issue 15: the Polish scripts walk the same paths as the English ones (same flow, same
    number of turns), in every folder: modules, crisis paths, interrupts, coverage, demo."""
    english = sorted(p for folder in PATH_FOLDERS for p in (SCRIPTS / folder).glob("*_en.yaml"))
    assert len(english) >= 50
    for path in english:
        polish = path.with_name(path.name.removesuffix("_en.yaml") + "_pl.yaml")
        assert polish.exists(), f"{path.relative_to(SCRIPTS)} has no Polish counterpart"
        en, pl = load_script(path), load_script(polish)
        assert (pl.locale, pl.flow, len(_path(pl))) == ("pl", en.flow, len(_path(en))), polish.name
        assert [t.choose for t in _path(pl)] == [t.choose for t in _path(en)], polish.name
