"""Lint rules added for the crisis paths (S4) and the resource directory."""

from __future__ import annotations

from pathlib import Path

from bot.lint import lint_paths
from bot.paths import REPO_ROOT

FIXTURES = Path(__file__).parent / "fixtures"


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


def test_the_shipped_content_has_no_lint_errors() -> None:
    assert lint(REPO_ROOT) == []
