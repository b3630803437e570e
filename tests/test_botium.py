"""Botium compatibility: ``botium-cli run`` replays tests/botium/*.convo.txt through botium.json
(SimpleREST connector) against a chat server of the fixture program, on a free loopback port."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.bootstrap import load_engine
from bot.paths import REPO_ROOT
from tests.golden import FIXTURES
from tests.serving import chat_server

CONVOS = REPO_ROOT / "tests" / "botium"
CONTENT = FIXTURES / "content"
BOTIUM_CLI = REPO_ROOT / "node_modules" / ".bin" / "botium-cli"


def _capabilities() -> dict[str, object]:
    config = json.loads((REPO_ROOT / "botium.json").read_text(encoding="utf-8"))
    caps: dict[str, object] = config["botium"]["Capabilities"]
    return caps


def test_botium_json_drives_the_v1_api() -> None:
    caps = _capabilities()
    assert caps["CONTAINERMODE"] == "simplerest"
    assert str(caps["SIMPLEREST_START_URL"]).endswith("/api/v1/start")
    assert caps["SIMPLEREST_START_BODY"] == {"locale": "en"}
    assert str(caps["SIMPLEREST_URL"]).endswith("/api/v1/turn")
    assert str(caps["SIMPLEREST_STOP_URL"]).endswith("/api/v1/end")
    body = str(caps["SIMPLEREST_BODY_TEMPLATE"])
    assert '"session": "{{context.session}}"' in body and '"seq": {{context.seq}}' in body
    assert caps["SIMPLEREST_BUTTONS_JSONPATH"] == "$.options[*].label"


def test_the_convos_are_there() -> None:
    assert len(list(CONVOS.glob("*.convo.txt"))) >= 3


def _botium_run(convos: Path, work: Path) -> subprocess.CompletedProcess[str]:
    """``npx botium-cli run`` on ``convos`` against a server of the fixture program."""
    npx = shutil.which("npx")
    if npx is None or not BOTIUM_CLI.exists():
        pytest.fail("botium-cli is not installed: run `npm install` (scripts/test does)")
    with chat_server(load_engine(CONTENT)) as url:
        env = {
            **os.environ,
            "BOTIUM_SIMPLEREST_START_URL": f"{url}/api/v1/start",
            "BOTIUM_SIMPLEREST_URL": f"{url}/api/v1/turn",
            "BOTIUM_SIMPLEREST_STOP_URL": f"{url}/api/v1/end",
            "BOTIUM_TEMPDIR": str(work / "botiumwork"),
        }
        return subprocess.run(
            [npx, "--no-install", "botium-cli", "run", "--config", "botium.json",
             "--convos", str(convos)],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=240, check=False,
        )


def test_botium_cli_runs_the_convos_against_a_started_server(tmp_path: Path) -> None:
    done = _botium_run(CONVOS, tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert f"{len(list(CONVOS.glob('*.convo.txt')))} passing" in out, out
    assert "failing" not in out


def test_a_convo_that_expects_the_wrong_thing_fails(tmp_path: Path) -> None:
    convos = tmp_path / "convos"
    convos.mkdir()
    (convos / "wrong.convo.txt").write_text(
        "expects the wrong state\n\n#bot\nJSON_PATH $.state|nowhere\n", encoding="utf-8"
    )
    done = _botium_run(convos, tmp_path)
    assert done.returncode != 0
    assert "1 failing" in done.stdout + done.stderr
