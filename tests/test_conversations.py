"""Every scripted conversation shipped in tests/conversations/ runs as a test."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine
from bot.paths import REPO_ROOT
from bot.script import EngineDriver, find_scripts, load_script, run_script

SCRIPTS = REPO_ROOT / "tests" / "conversations"
PATHS = list(find_scripts([SCRIPTS]))


def test_there_are_scripts_to_replay() -> None:
    assert len(PATHS) >= 3


@pytest.mark.parametrize("path", PATHS, ids=[str(p.relative_to(SCRIPTS)) for p in PATHS])
def test_script(path: Path, shipped_engine: Engine) -> None:
    result = run_script(load_script(path), EngineDriver(shipped_engine))
    details = "\n".join(f.render() for f in result.failures)
    assert result.ok, f"{result.error or ''}\n{details}"
