"""Scripts over the v1 API: ``replay --url`` against a server on a free loopback port."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.bootstrap import load_engine
from bot.cli import main
from bot.errors import RemoteError
from bot.paths import REPO_ROOT
from bot.remote import HttpDriver
from bot.script import EngineDriver, Script, find_scripts, load_script, run_script
from bot.session import UserInput
from tests.golden import FIXTURES
from tests.serving import chat_server, free_port

CONTENT = FIXTURES / "content"
SCRIPTS = CONTENT / "tests" / "conversations"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with chat_server(load_engine(CONTENT)) as base:
        yield base


def test_a_script_gets_the_same_replies_over_http_as_in_process(url: str) -> None:
    script = load_script(SCRIPTS / "diary_en.yaml")
    remote = run_script(script, HttpDriver(url))
    local = run_script(script, EngineDriver(load_engine(CONTENT)))
    assert remote.ok and local.ok
    keep = ("messages", "options", "input", "ended", "flow", "state", "seq", "locale")
    assert [{k: r[k] for k in keep} for r in remote.replies] == json.loads(
        json.dumps([{k: r[k] for k in keep} for r in local.replies])
    )


def test_the_driver_sends_seq_and_each_kind_of_input(url: str) -> None:
    driver = HttpDriver(url)
    first = driver.start("es", None)
    assert first["seq"] == 0 and first["state"] == "hello" and driver.session
    assert driver.turn(UserInput(choice="start"))["state"] == "choose"
    assert driver.turn(UserInput(text="1"))["flow"] == "diary"
    assert driver.turn(UserInput(command="help"))["flow"] == "help"
    assert driver.seq == 3
    driver.close()
    assert driver.session is None


def test_a_failed_turn_is_reported_with_the_servers_error(url: str) -> None:
    driver = HttpDriver(url)
    driver.start("en", None)
    driver.turn(UserInput(choice="start"))  # a session exists once its welcome is answered
    driver.seq = 7
    with pytest.raises(RemoteError, match="POST /api/v1/turn: 409 stale_seq"):
        driver.turn(UserInput(text="1"))
    driver.close()


def test_no_server_is_a_clear_error() -> None:
    with pytest.raises(RemoteError, match="no answer"):
        HttpDriver(f"http://127.0.0.1:{free_port()}", timeout=2).start("en", None)
    with pytest.raises(RemoteError, match="not an http"):
        HttpDriver("127.0.0.1:8080")


def test_replay_url_runs_the_scripts_and_skips_those_starting_mid_program(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", "--url", url, "--content", str(CONTENT), "--coverage"]) == 0
    out = capsys.readouterr().out
    assert "ok   " in out and "diary_en.yaml" in out
    assert "skip " in out and "starts in flow 'diary'" in out
    assert out.rstrip().endswith("1 passed, 0 failed, 1 skipped")
    assert "  welcome.hello  choose:leave -> bye" in out  # coverage works over HTTP too


def test_a_failing_script_over_http_says_what_differs(url: str) -> None:
    script = Script.model_validate({"script": "wrong", "turns": [{"expect": {"state": "menu.x"}}]})
    result = run_script(script, HttpDriver(url))
    assert not result.ok
    assert result.failures[0].field == "state"


def test_shipped_scripts_pass_against_a_server_of_the_shipped_content() -> None:
    with chat_server(load_engine(REPO_ROOT)) as base:
        scripts = [load_script(p) for p in find_scripts([REPO_ROOT / "tests" / "conversations"])]
        for script in scripts:
            if script.flow is None:
                result = run_script(script, HttpDriver(base))
                assert result.ok, [f.render() for f in result.failures] or result.error
