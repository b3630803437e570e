"""lint: every problem a designer can make is reported once, as file:line:column: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.lint import lint_paths
from bot.paths import REPO_ROOT
from tests.contentkit import MENU, MESSAGES, write_content

FIXTURES = Path(__file__).parent / "fixtures"


def problems(root: Path) -> list[str]:
    _, found = lint_paths(root / "flows", root / "locale", base=root)
    return [str(p) for p in found]


def test_the_tiny_program_is_clean(tiny: Path) -> None:
    assert problems(tiny) == []


def test_the_shipped_content_has_no_errors() -> None:
    assert main(["lint", str(REPO_ROOT / "flows"), str(REPO_ROOT / "locale")]) == 0


def test_lint_checks_the_corpus_and_loading_the_program_does_not(tiny: Path) -> None:
    """The screening corpus is training data: ``redirection-bot lint`` reports a bad line, and a
    server (``FlowSet.from_paths``, which also live reload uses) starts without reading it."""
    from bot.engine import FlowSet

    (tiny / "corpus" / "en").mkdir(parents=True)
    (tiny / "corpus" / "en" / "pool.tsv").write_text("sucide\t-\ti want to die\n", encoding="utf-8")
    assert any("corpus/en/pool.tsv:1" in p and "sucide" in p for p in problems(tiny))
    assert main(["lint", str(tiny)]) == 1
    assert FlowSet.from_paths(tiny / "flows", tiny / "locale", base=tiny).catalogs


BROKEN = [
    pytest.param(
        {"menu.yaml": MENU.replace("    ask: feeling\n", "    ask: feeling\n    nxt: reflect\n")},
        "flows/menu.yaml:16:5: error: state 'breathe': unknown key 'nxt'",
        id="unknown-key",
    ),
    pytest.param(
        {"menu.yaml": MENU.replace("        go: breathe\n", "        go: brethe\n")},
        "flows/menu.yaml:9:13: error: state 'choose', option 'breathe': go 'brethe' is not a "
        "state of flow 'menu' (did you mean 'breathe'?)",
        id="unknown-state-did-you-mean",
    ),
    pytest.param(
        {"menu.yaml": MENU.replace("        go: bye\n", "        flow: goodbye\n")},
        "flows/menu.yaml:12:15: error: state 'choose', option 'bye': flow 'goodbye' is not a flow",
        id="unknown-flow",
    ),
    pytest.param(
        {"menu.yaml": MENU.replace("start: choose", "start: chose")},
        "flows/menu.yaml:2:8: error: start state 'chose' is not a state of flow 'menu' "
        "(did you mean 'choose'?)",
        id="unknown-start",
    ),
    pytest.param(
        {"menu.yaml": MENU.replace("        go: breathe\n", "        go: bye\n")},
        "flows/menu.yaml:13:3: error: state 'breathe' cannot be reached from start state 'choose'",
        id="unreachable",
    ),
    pytest.param(
        {"menu.yaml": MENU.replace("        go: bye\n", "        go: breathe\n").replace(
            "    say: [menu.bye]\n    end: true\n", "    say: [menu.bye]\n    go: bye\n")},
        "flows/menu.yaml:20:3: error: states bye -> bye loop without waiting for the user",
        id="say-loop",
    ),
    pytest.param(
        {"menu.yaml": MENU.replace("        go: bye\n", "        go: reflect\n")},
        "flows/menu.yaml:4:3: error: state 'choose' is a dead end: no path from it ends the flow "
        "or leads out of it",
        id="dead-end",
    ),
    pytest.param(
        {"menu.yaml": MENU.replace("[menu.intro]", "[menu.intro, menu.outro]")},
        "flows/menu.yaml:5:23: error: message key 'menu.outro' is not in any catalog "
        "(did you mean 'menu.intro'?)",
        id="missing-key",
    ),
    pytest.param(
        {"menu.yaml": MENU.replace("    say: [menu.intro]\n", "    say: [menu.reflect]\n")},
        "flows/menu.yaml:5:11: error: state 'choose': message uses slot 'feeling' before any "
        "state of flow 'menu' can fill it (ask for it earlier, or show the message only "
        "`if: feeling`)",
        id="slot-before-filled",
    ),
    pytest.param(
        {"help.yaml": "flow: help\nstart: now\nstates:\n  now:\n    say: [help.now]\n    options: []\n"},
        "flows/help.yaml:6:14: error: state 'now': List should have at least 1 item after "
        "validation, not 0",
        id="empty-options",
    ),
    pytest.param(
        {"menu.yaml": MENU.replace("  bye:\n    say: [menu.bye]\n    end: true\n",
                                   "  bye:\n    say: [menu.bye]\n")},
        "flows/menu.yaml:20:3: error: state 'bye': a state needs exactly one of: options, ask, "
        "go, flow, back or end: true",
        id="state-without-a-way-on",
    ),
    pytest.param(
        {"menu.yaml": MENU.replace("        go: bye\n", "        go: bye\n        back: true\n")},
        "flows/menu.yaml:10:9: error: state 'choose', option 'bye': option 'bye' needs exactly "
        "one of go, flow or back (it has 2)",
        id="two-targets",
    ),
    pytest.param(
        {"menu.yaml": MENU.replace("  breathe:\n", "  Breathe:\n").replace("go: breathe", "go: Breathe")},
        "flows/menu.yaml:13:3: error: 'Breathe' is not a valid name (use lower case letters, digits and _)",
        id="bad-name",
    ),
    pytest.param(
        {"menu.yaml": MENU.replace("start: choose\n", "")},
        "flows/menu.yaml:1:1: error: 'start' is required",
        id="missing-start",
    ),
    pytest.param(
        {"menu.yaml": MENU + "  bye:\n    end: true\n"},
        "flows/menu.yaml:23:3: error: duplicate key 'bye' (first at line 20)",
        id="duplicate-key",
    ),
    pytest.param(
        {"menu.yaml": MENU.replace("    ask: feeling\n", "    ask: feeling\n    max: 0\n")},
        "flows/menu.yaml:16:10: error: state 'breathe': Input should be greater than or equal to 1",
        id="max-too-small",
    ),
    pytest.param(
        {"menu.yaml": MENU.replace("[menu.intro]", "[menu.intro")},
        "flows/menu.yaml:6:12: error: YAML syntax: expected ',' or ']', but got ':'",
        id="yaml-syntax",
    ),
    pytest.param(
        {"program.yaml": "program:\n  start: menu\n  menu: menu\n  help: hlep\n  resume: resume\n"},
        "flows/program.yaml:4:9: error: help flow 'hlep' is not a flow (did you mean 'help'?)",
        id="program-unknown-flow",
    ),
]


@pytest.mark.parametrize(("flows", "expected"), BROKEN)
def test_each_broken_flow_is_reported_at_its_place(tmp_path: Path, flows: dict[str, str], expected: str) -> None:
    found = problems(write_content(tmp_path, flows=flows))
    assert expected in found, "\n".join(found)


BROKEN_LOCALE = [
    pytest.param(
        {"es/messages.yaml": MESSAGES["es"].replace("menu.bye: Adiós.\n", "")},
        "locale/en/messages.yaml:6:1: error: message 'menu.bye' is in en but missing from 'es' "
        "(add it to locale/es/messages.yaml)",
        id="key-in-one-language-only",
    ),
    pytest.param(
        {"en/messages.yaml": MESSAGES["en"] + "menu.unused: Never said.\n",
         "es/messages.yaml": MESSAGES["es"] + "menu.unused: Nunca dicho.\n"},
        "locale/es/messages.yaml:15:1: warning: message 'menu.unused' is not used by any flow",
        id="unused-key",
    ),
    pytest.param(
        {"es/messages.yaml": MESSAGES["es"].replace("{feeling}", "{sentimiento}")},
        "locale/en/messages.yaml:5:1: error: message 'menu.reflect' uses different slots by "
        "language (en: ['feeling']; es: ['sentimiento'])",
        id="slots-differ-by-language",
    ),
    pytest.param(
        {"en/messages.yaml": MESSAGES["en"].replace("You feel: {feeling}.", "You feel: {feeling.")},
        "locale/en/messages.yaml:5:15: error: message 'menu.reflect': unmatched '{' "
        "(write '{{' for a brace)",
        id="unmatched-brace",
    ),
    pytest.param(
        {"en/more.yaml": "menu.intro: Again?\n"},
        "locale/en/more.yaml:1:1: error: message 'menu.intro' is also written at "
        "locale/en/messages.yaml:1:1",
        id="duplicate-key",
    ),
    pytest.param(
        {"es/language.yaml": "language: es\nname: Español\ncommands:\n  help: [ayuda]\n  menu: [menú]\n"},
        "locale/es/language.yaml:4:3: error: no words for the 'end' command",
        id="missing-command",
    ),
    pytest.param(
        {"es/messages.yaml": MESSAGES["es"].replace("system.goodbye: Adiós.\n", "")},
        "locale/es: error: message 'system.goodbye' is missing (the engine says it; every "
        "language needs it)",
        id="missing-system-key",
    ),
]


@pytest.mark.parametrize(("locale", "expected"), BROKEN_LOCALE)
def test_each_broken_catalog_is_reported_at_its_place(tmp_path: Path, locale: dict[str, str], expected: str) -> None:
    found = problems(write_content(tmp_path, locale=locale))
    assert expected in found, "\n".join(found)


def test_invalid_utf8_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    root = write_content(tmp_path)
    (root / "locale/en/messages.yaml").write_bytes(b"menu.intro: caf\xe9\n")
    assert "locale/en/messages.yaml:1:1: error: not valid UTF-8 (invalid continuation byte)" in problems(root)


def test_yes_and_no_stay_option_ids(tmp_path: Path) -> None:
    menu = MENU.replace("id: breathe", "id: yes").replace("id: bye", "id: no")
    assert problems(write_content(tmp_path, flows={"menu.yaml": menu})) == []


def test_a_slot_shown_only_if_filled_is_accepted(tmp_path: Path) -> None:
    menu = MENU.replace("    say: [menu.intro]\n", "    say: [menu.intro, {key: menu.reflect, if: feeling}]\n")
    assert problems(write_content(tmp_path, flows={"menu.yaml": menu})) == []


def test_a_slot_saved_by_an_option_counts_as_filled(tmp_path: Path) -> None:
    menu = MENU.replace("        go: bye\n", "        go: bye\n        save: feeling\n").replace(
        "    say: [menu.bye]\n", "    say: [menu.bye, menu.reflect]\n")
    assert problems(write_content(tmp_path, flows={"menu.yaml": menu})) == []


def test_cli_prints_problems_and_exits_1_on_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_content(tmp_path, flows={"menu.yaml": MENU.replace("go: reflect", "go: reflex")})
    assert main(["lint", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{root}/flows/menu.yaml:16:9: error: state 'breathe': go 'reflex' is not a state of "
        "flow 'menu' (did you mean 'reflect'?)",
        f"{root}/flows/menu.yaml:17:3: error: state 'reflect' cannot be reached from start "
        "state 'choose'",
    ]
    assert err == "2 error(s), 0 warning(s)\n"


def test_a_flow_with_a_schema_error_does_not_flood_other_files_with_problems(tmp_path: Path) -> None:
    root = write_content(tmp_path, flows={"menu.yaml": MENU.replace("start: choose\n", "")})
    assert problems(root) == ["flows/menu.yaml:1:1: error: 'start' is required"]


def test_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    root = write_content(tmp_path, locale={
        "en/messages.yaml": MESSAGES["en"] + "menu.unused: Never said.\n",
        "es/messages.yaml": MESSAGES["es"] + "menu.unused: Nunca dicho.\n",
    })
    assert main(["lint", str(root)]) == 0
    assert main(["lint", "--strict", str(root)]) == 1


def lint(folder: Path) -> list[str]:
    _, problems = lint_paths(folder / "flows", folder / "locale", base=folder)
    return [str(p) for p in problems if p.severity == "error"]


def test_a_crisis_flow_closed_by_one_answer_fails_lint_at_the_option() -> None:
    assert lint(FIXTURES / "crisis_closes_on_no") == [
        "flows/crisis_distress.yaml:2:8: error: crisis flow 'crisis_distress' (for 'distress') "
        "ends before it asks anything; a crisis path checks in first (S4)",
        "flows/crisis_suicide.yaml:11:46: error: crisis flow 'crisis_suicide' (for 'suicide'): "
        "option 'no' in its first question ('ask') ends the flow; a crisis path must not close "
        "on one answer: lead to a check-in state first (S4)",
        "flows/crisis_suicide.yaml:12:50: error: crisis flow 'crisis_suicide' (for 'suicide'): "
        "option 'menu' in its first question ('ask') leaves the flow; a crisis path must not "
        "close on one answer: lead to a check-in state first (S4)",
    ]
