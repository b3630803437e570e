"""Scripted conversations: the format, the runner's checks, and replay's output."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from bot.bootstrap import load_engine
from bot.cli import main
from bot.errors import ContentError
from bot.script import EngineDriver, load_script, run_script


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(dedent(text), encoding="utf-8")
    return path


GOOD = """\
script: breathe and say how I feel
turns:
  - expect: {state: menu.choose, options: [breathe, bye]}
  - choose: breathe
    expect: {messages: [menu.breathe], input: text}
  - say: tired
    expect: {text: "you feel: tired", state: menu.choose}
  - command: end
    expect: {ended: true}
"""


def test_a_matching_script_passes(tiny: Path, tmp_path: Path) -> None:
    result = run_script(load_script(write(tmp_path, GOOD)), EngineDriver(load_engine(tiny)))
    assert result.ok and len(result.replies) == 4


@pytest.mark.parametrize(
    ("change", "rendered"),
    [
        pytest.param(
            ("options: [breathe, bye]", "options: [bye, breathe]"),
            "  turn 0 (start): options differs\n      expected: [bye, breathe]\n"
            "      actual:   [breathe, bye]",
            id="options",
        ),
        pytest.param(
            ("{text: \"you feel: tired\"", "{text: \"you feel: happy\""),
            "  turn 2 (say: 'tired'): text: expected 'you feel: happy', got ['You feel: tired.', 'What now?']",
            id="text",
        ),
        pytest.param(
            ("expect: {ended: true}", "expect: {ended: false}"),
            "  turn 3 (command: end): ended: expected False, got True",
            id="ended",
        ),
    ],
)
def test_a_wrong_expectation_fails_with_a_readable_diff(
    tiny: Path, tmp_path: Path, change: tuple[str, str], rendered: str
) -> None:
    script = load_script(write(tmp_path, GOOD.replace(*change)))
    result = run_script(script, EngineDriver(load_engine(tiny)))
    assert not result.ok
    assert [f.render() for f in result.failures] == [rendered]


def test_a_crash_is_a_failure_not_an_exception(tiny: Path, tmp_path: Path) -> None:
    script = load_script(write(tmp_path, GOOD.replace("command: end", "say: tired")))
    script.turns[3].__dict__["say"] = "x" * 5000
    result = run_script(script, EngineDriver(load_engine(tiny)))
    assert result.error == "InputError: text is longer than 2000 characters"


def test_a_malformed_script_names_the_place(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("  - choose: breathe", "  - chose: breathe"))
    with pytest.raises(ContentError, match=r"s.yaml:4:5: .*unknown key 'chose'"):
        load_script(path)


def test_the_first_turn_is_the_opening(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="the first turn is the bot's opening"):
        load_script(write(tmp_path, "script: x\nturns:\n  - say: hi\n"))


def test_replay_prints_a_diff_and_exits_1(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, GOOD, "good.yaml")
    bad = write(tmp_path, GOOD.replace("input: text", "input: choice"), "bad.yaml")
    assert main(["replay", "--content", str(tiny), str(good), str(bad)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"ok   {good}  (breathe and say how I feel)",
        f"FAIL {bad}  (breathe and say how I feel)",
        "  turn 1 (choose: breathe): input: expected 'choice', got 'text'",
        "1 passed, 1 failed",
    ]


def test_replay_passes_on_the_shipped_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "-q"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("passed, 0 failed")
