"""The explorer: passes on good content; fails on broken content, with the path that led there."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import load_content
from bot.engine import FlowSet
from bot.explore import Report, explore
from bot.flow import AskState, ChoiceState
from bot.paths import REPO_ROOT
from tests.golden import FIXTURES

CONTENT = FIXTURES / "content"


def _copy(tmp_path: Path, edits: dict[str, str | None]) -> Path:
    """A copy of the fixture content with files replaced (or removed, for None)."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    for name, text in edits.items():
        path = root / name
        if text is None:
            path.unlink()
        else:
            path.write_text(text, encoding="utf-8")
    return root


def _explore(root: Path, **bounds: int) -> Report:
    content, _ = load_content(root / "flows", root / "locale", base=root)
    return explore(FlowSet(content), **bounds)


def _kinds(report: Report) -> set[tuple[str, str, str]]:
    return {(f.locale, f.kind, f.where) for f in report.findings}


def test_the_fixture_content_passes_in_every_language() -> None:
    report = _explore(CONTENT)
    assert report.findings == []
    assert set(report.places) == {"en", "es"}
    assert report.truncated == []


def test_every_state_where_the_conversation_waits_is_walked_in_every_language() -> None:
    report = _explore(CONTENT)
    content, _ = load_content(CONTENT / "flows", CONTENT / "locale", base=CONTENT)
    waiting = {
        f"{fid}.{name}"
        for fid, flow in content.flows.items()
        for name, state in flow.states.items()
        if isinstance(state, ChoiceState | AskState)
    }
    assert report.states["en"] == report.states["es"] == waiting


def test_the_shipped_content_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explore", "--content", str(REPO_ROOT)]) == 0, capsys.readouterr().out


MENU_WITH_LOOP = """\
flow: menu
title: menu.title
start: choose
states:
  choose:
    say: [menu.choose]
    options:
      - {id: diary, label: menu.opt_diary, flow: diary}
      - {id: urge, label: menu.opt_urge, flow: crisis_urge}
      - {id: help, label: common.opt_help, flow: help}
      - {id: finish, label: menu.opt_finish, go: bye}
      - {id: loop, label: menu.opt_loop, flow: loop_a}
  bye:
    say: [menu.bye]
    end: true
"""
LOOP_A = """\
flow: loop_a
start: ask
states:
  ask:
    say: [menu.choose]
    options:
      - {id: on, label: menu.opt_loop, flow: loop_b}
"""
LOOP_B = LOOP_A.replace("loop_a", "loop_b").replace("flow: loop_b}", "flow: loop_a}")
EXTRA_KEYS = "menu.opt_loop: Go round\n"


def test_flows_that_only_lead_to_each_other_have_no_way_out(tmp_path: Path) -> None:
    root = _copy(tmp_path, {
        "flows/menu.yaml": MENU_WITH_LOOP,
        "flows/loop_a.yaml": LOOP_A,
        "flows/loop_b.yaml": LOOP_B,
    })
    for lang in ("en", "es"):
        (root / "locale" / lang / "extra.yaml").write_text(EXTRA_KEYS, encoding="utf-8")
    report = _explore(root)
    assert ("en", "no way out", "loop_a.ask") in _kinds(report)
    assert ("es", "no way out", "loop_b.ask") in _kinds(report)
    first = next(f for f in report.findings if f.where == "loop_a.ask" and f.locale == "en")
    assert first.path == ("start loop_a",)


def test_a_text_read_as_the_help_command_is_not_a_way_out(tmp_path: Path) -> None:
    # "?" compares as an empty text (punctuation is ignored), so an empty message asks for help
    root = _copy(tmp_path, {
        "flows/menu.yaml": MENU_WITH_LOOP,
        "flows/loop_a.yaml": LOOP_A,
        "flows/loop_b.yaml": LOOP_B,
        "locale/en/language.yaml": (
            "language: en\nname: English\ncommands:\n"
            '  help: [help, "?"]\n  menu: [menu]\n  end: [end]\n'
        ),
    })
    for lang in ("en", "es"):
        (root / "locale" / lang / "extra.yaml").write_text(EXTRA_KEYS, encoding="utf-8")
    assert ("en", "no way out", "loop_a.ask") in _kinds(_explore(root))


def test_a_question_every_answer_repeats_is_a_dead_end(tmp_path: Path) -> None:
    crisis = (CONTENT / "flows" / "crisis_urge.yaml").read_text(encoding="utf-8")
    root = _copy(tmp_path, {"flows/crisis_urge.yaml": crisis.replace("go: check}", "go: steady}")})
    report = _explore(root)
    assert ("en", "dead end", "crisis_urge.steady") in _kinds(report)
    dead = next(f for f in report.findings if f.kind == "dead end" and f.locale == "en")
    assert dead.path == ("start crisis_urge",)  # the shortest path there


def test_a_message_missing_in_one_language_is_found_on_the_path_that_shows_it(
    tmp_path: Path,
) -> None:
    messages = (CONTENT / "locale" / "es" / "messages.yaml").read_text(encoding="utf-8")
    root = _copy(tmp_path, {
        "locale/es/messages.yaml": messages.replace("diary.thanks: Gracias.\n", ""),
    })
    report = _explore(root)
    assert _kinds(report) == {("es", "missing key", "diary.ask_note")}
    finding = report.findings[0]
    assert "diary.thanks" in finding.message
    assert finding.path[:2] == ("start diary", "choose good")  # then a typed answer


def test_say_states_that_hand_over_to_each_other_forever_crash(tmp_path: Path) -> None:
    root = _copy(tmp_path, {
        "flows/loop_a.yaml": "flow: loop_a\nstart: a\nstates:\n  a:\n    flow: loop_b\n",
        "flows/loop_b.yaml": "flow: loop_b\nstart: b\nstates:\n  b:\n    flow: loop_a\n",
    })
    report = _explore(root)
    crash = {f.where for f in report.findings if f.kind == "crash"}
    assert crash == {"loop_a (start)", "loop_b (start)"}
    assert "more than 64 states without input" in report.findings[0].message


def test_a_help_word_that_does_not_reach_help_fails(tmp_path: Path) -> None:
    root = _copy(tmp_path, {
        "locale/es/language.yaml": (
            "language: es\nname: Español\ncommands:\n"
            "  help: [sos]\n  menu: [menú, sos]\n  end: [fin]\n"
        ),
    })
    report = _explore(root, max_paths=50)
    assert ("es", "help", "welcome.hello") in _kinds(report)
    assert not any(f.locale == "en" and f.kind == "help" for f in report.findings)


def test_bounds_stop_the_walk_and_say_so(capsys: pytest.CaptureFixture[str]) -> None:
    report = _explore(CONTENT, max_paths=5)
    assert report.places == {"en": 5, "es": 5} and report.truncated == ["en", "es"]
    assert report.findings == []  # what was not walked is not blamed
    assert main(["explore", "--content", str(CONTENT), "--max-depth", "1"]) == 0
    assert "a bound was reached" in capsys.readouterr().out


def test_explore_command_prints_each_failure_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crisis = (CONTENT / "flows" / "crisis_urge.yaml").read_text(encoding="utf-8")
    root = _copy(tmp_path, {"flows/crisis_urge.yaml": crisis.replace("go: check}", "go: steady}")})
    assert main(["explore", "--content", str(root), "--locale", "en"]) == 1
    out = capsys.readouterr().out
    assert (
        "FAIL en: dead end at crisis_urge.steady: every option and answer comes back to this "
        "same question\n  path: start crisis_urge\n"
    ) in out
    assert out.rstrip().endswith("problem(s) found")


def test_explore_command_refuses_content_it_cannot_compile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _copy(tmp_path, {"flows/program.yaml": None})
    assert main(["explore", "--content", str(root)]) == 1
    assert "cannot be compiled" in capsys.readouterr().out
