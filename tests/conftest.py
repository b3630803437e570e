from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bootstrap import load_engine
from bot.engine import Engine
from bot.paths import REPO_ROOT
from tests.contentkit import write_content

# The suite keeps its parsed screening phrases (bot.screening.phrase_cache) in a folder of its
# own, never in the user's ~/.cache; servers started by tests inherit it.
os.environ["REDIRECTION_BOT_CACHE"] = tempfile.mkdtemp(prefix="redirection-bot-cache-")


@pytest.fixture(scope="session", autouse=True)
def _phrase_cache_folder() -> Iterator[None]:
    yield
    shutil.rmtree(os.environ["REDIRECTION_BOT_CACHE"], ignore_errors=True)


@pytest.fixture(scope="session")
def shipped_engine() -> Engine:
    """The engine on the shipped program (flows/ and locale/ of this checkout)."""
    return load_engine(REPO_ROOT)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A tiny valid program in a temporary folder (see tests/contentkit.py)."""
    return write_content(tmp_path)
