"""The house is kept: lint-clean code, strict types, a Dockerfile hadolint accepts, working entry points."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from bot.paths import REPO_ROOT

BIN = REPO_ROOT / ".venv" / "bin"


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; run scripts/setup")
    return found


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing() -> None:
    result = run(tool("ruff"), "check", "bot", "tests", "bench")
    assert result.returncode == 0, result.stdout


def test_mypy_strict_on_the_package() -> None:
    result = run(tool("mypy"))
    assert result.returncode == 0, result.stdout


def test_hadolint_accepts_the_dockerfile() -> None:
    result = run(tool("hadolint"), "--failure-threshold", "warning", "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_as_non_root_without_volumes() -> None:
    lines = [line.strip() for line in (REPO_ROOT / "Dockerfile").read_text().splitlines()]
    assert any(line.startswith("USER ") and line != "USER root" for line in lines)
    assert not any(line.startswith("VOLUME") for line in lines)
    assert lines[-1].startswith('CMD ["redirection-bot", "serve"')


def test_python_dash_m_bot_is_the_cli() -> None:
    result = run(sys.executable, "-m", "bot", "--help")
    assert result.returncode == 0
    assert "redirection-bot" in result.stdout and "lint" in result.stdout


def test_the_console_script_is_installed() -> None:
    result = run(tool("redirection-bot"), "lint")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_carries_every_folder_the_server_reads() -> None:
    """Without resources/ the help shown on errors would be empty; without locale/ nothing starts."""
    copied = {
        line.split()[1]
        for line in (REPO_ROOT / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ")
    }
    assert {"bot", "flows", "locale", "resources"} <= copied
