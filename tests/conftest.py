from __future__ import annotations

from pathlib import Path

import pytest

from bot.bootstrap import load_engine
from bot.engine import Engine
from bot.paths import REPO_ROOT
from tests.contentkit import write_content


@pytest.fixture(scope="session")
def shipped_engine() -> Engine:
    """The engine on the shipped program (flows/ and locale/ of this checkout)."""
    return load_engine(REPO_ROOT)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A tiny valid program in a temporary folder (see tests/contentkit.py)."""
    return write_content(tmp_path)
