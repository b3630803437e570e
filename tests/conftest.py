from __future__ import annotations

import pytest

from bot.bootstrap import load_engine
from bot.engine import Engine
from bot.paths import REPO_ROOT


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The shipped program, loaded the way every entry point loads it."""
    return load_engine(REPO_ROOT)
