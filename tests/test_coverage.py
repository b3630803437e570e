"""Coverage: which states and transitions scripted conversations reach."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.bootstrap import load_engine, load_flowset
from bot.cli import main
from bot.coverage import Coverage, render_coverage
from bot.engine import Engine
from bot.paths import REPO_ROOT
from bot.script import EngineDriver, Script, find_scripts, load_script, run_script
from tests.golden import FIXTURES, assert_golden

CONTENT = FIXTURES / "content"
SCRIPTS = CONTENT / "tests" / "conversations"

SHIPPED_COVERAGE_MIN = 100
"""Percent of the shipped flows' states and transitions the shipped scripts reach (at least).
Raise it as scripts are written; the aim is 100."""


def _cover(engine: Engine, scripts: Sequence[Script]) -> Coverage:
    cov = Coverage(engine.current)
    for script in scripts:
        result = run_script(script, EngineDriver(engine))
        assert result.ok, (script.script, result.error, [f.render() for f in result.failures])
        cov.record(script, result.replies)
    return cov


def _script(turns: list[dict[str, object]], flow: str | None = None, locale: str = "en") -> Script:
    return Script.model_validate(
        {"script": "t", "locale": locale, "flow": flow, "turns": [{}, *turns]}
    )


def _missed(cov: Coverage, flow: str) -> tuple[list[str], list[str]]:
    f = cov.flows[flow]
    return f.states_missed, [f"{e.state} {e.trigger}" for e in f.transitions_missed]


@pytest.fixture
def engine() -> Engine:
    return load_engine(CONTENT)


def test_report_on_the_fixture_scripts(engine: Engine) -> None:
    scripts = [load_script(p) for p in find_scripts([SCRIPTS])]
    assert_golden("coverage/fixture.txt", render_coverage(_cover(engine, scripts)))


def test_a_choice_by_button_number_or_words_takes_the_option(engine: Engine) -> None:
    cov = _cover(engine, [
        _script([{"choose": "good"}], flow="diary"),
        _script([{"say": "2"}], flow="diary"),
    ])
    assert _missed(cov, "diary")[1] == [
        "ask_note choose:skip", "ask_note answer", "thanks next", "recap choose:menu",
        "recap choose:back",
    ]
    cov = _cover(engine, [_script([{"say": "Not so good"}], flow="diary")])
    assert "ask_mood choose:bad" not in _missed(cov, "diary")[1]


def test_an_answer_passes_through_say_states_to_where_it_rests(engine: Engine) -> None:
    cov = _cover(engine, [_script([{"choose": "bad"}, {"say": "tired"}], flow="diary")])
    states, trans = _missed(cov, "diary")
    assert states == []
    assert "ask_note answer" not in trans and "thanks next" not in trans


def test_commands_repeats_and_refused_answers_take_no_transition(engine: Engine) -> None:
    cov = _cover(engine, [
        _script([{"choose": "bad"}, {"say": ""}, {"say": "x" * 41}, {"say": "help"},
                 {"command": "menu"}, {"choose": "nonsense"}], flow="diary"),
    ])
    assert "ask_note answer" in _missed(cov, "diary")[1]
    assert _missed(cov, "help")[1] == ["now choose:back", "now choose:menu"]
    assert cov.flows["help"].states_reached == {"now"}
    assert cov.flows["menu"].states_reached == {"choose"}


def test_a_flow_link_enters_the_flow_at_its_start(engine: Engine) -> None:
    cov = _cover(engine, [_script([{"choose": "start"}])])
    assert cov.flows["welcome"].states_reached == {"hello", "intro"}
    assert ("intro", "next") in cov.flows["welcome"].transitions_reached
    assert cov.flows["menu"].states_reached == {"choose"}


def test_back_and_resume_are_counted_where_they_land(engine: Engine) -> None:
    cov = _cover(engine, [
        _script([{"command": "help"}, {"choose": "back"}], flow="diary"),
    ])
    assert ("now", "choose:back") in cov.flows["help"].transitions_reached
    assert cov.flows["diary"].states_reached == {"ask_mood"}


def test_a_crisis_interruption_takes_no_transition_of_the_flow() -> None:
    engine = Engine(
        load_flowset(CONTENT),
        screen=lambda text, locale: ["urge"] if "urge" in text else [],
    )
    cov = _cover(engine, [
        _script([{"choose": "good"}, {"say": "an urge", "expect": {"flow": "crisis_urge"}},
                 {"choose": "done", "expect": {"state": "crisis_urge.check"}},
                 {"choose": "safer", "expect": {"state": "resume.offer"}},
                 {"choose": "resume", "expect": {"state": "diary.ask_note"}}], flow="diary"),
    ])
    assert "ask_note answer" in _missed(cov, "diary")[1]
    assert cov.flows["crisis_urge"].states_reached == {"steady", "check", "done"}
    assert cov.flows["resume"].transitions_reached == {("offer", "choose:resume")}


def test_replay_coverage_command_and_fail_under(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["replay", "--content", str(CONTENT), "-q"]
    assert main([*args, "--coverage"]) == 0
    out = capsys.readouterr().out
    assert "coverage: 20/35 states and transitions, 57.1%" in out
    assert "  welcome.hello  choose:leave -> bye" in out
    assert main([*args, "--fail-under", "57"]) == 0
    capsys.readouterr()
    assert main([*args, "--fail-under", "58"]) == 1
    assert "coverage 57.1% is below --fail-under 58%" in capsys.readouterr().err


def test_shipped_scripts_reach_enough_of_the_shipped_flows() -> None:
    engine = load_engine(REPO_ROOT)
    scripts = [load_script(p) for p in find_scripts([REPO_ROOT / "tests" / "conversations"])]
    cov = _cover(engine, scripts)
    assert cov.percent >= SHIPPED_COVERAGE_MIN, render_coverage(cov)


def test_every_shipped_script_passes() -> None:
    assert main(["replay", "-q", str(REPO_ROOT / "tests" / "conversations")]) == 0
