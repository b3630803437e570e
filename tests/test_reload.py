"""Live reload: a valid edit is a new version for new conversations; conversations in progress
finish on theirs; an invalid edit keeps the old version serving and reports the lint errors."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import load_engine
from bot.engine import Engine
from bot.session import UserInput
from bot.web import WebConfig, create_app
from bot.web.reload import KEEP_VERSIONS, Reloader, reload_ctx
from tests.golden import FIXTURES
from tests.serving import free_port
from tests.web.servers import wait_ready

CONTENT = FIXTURES / "content"
HELLO = "welcome.hello: Hello. This is a small test program."


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path / "content"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    st = path.stat()  # a later mtime even where the clock is coarse
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _hello(engine: Engine) -> str:
    return engine.start("en")[1].messages[0].text


def _reloader(root: Path) -> tuple[Engine, Reloader, list[str]]:
    engine = load_engine(root)
    said: list[str] = []
    return engine, Reloader(engine, root, report=said.append), said


def test_nothing_changed_nothing_loaded(root: Path) -> None:
    engine, reloader, said = _reloader(root)
    assert reloader.check() is None and said == [] and len(engine.versions) == 1


def test_a_valid_edit_serves_new_conversations_while_old_ones_finish_on_theirs(root: Path) -> None:
    engine, reloader, said = _reloader(root)
    old = engine.current.version
    session, _ = engine.start("en")
    _edit(root / "locale" / "en" / "messages.yaml", HELLO, "welcome.hello: Hi, edited.")
    new = reloader.check()
    assert new is not None and new != old and engine.current.version == new
    assert _hello(engine) == "Hi, edited."
    assert said == [f"reload: now serving version {new} to new conversations "
                    f"(conversations in progress finish on {old})"]
    # the conversation started before the edit goes on with its own version
    reply = engine.turn(session, UserInput(choice="leave"))
    assert session.version == old and reply.messages[0].key == "welcome.bye"


def test_a_flow_edit_changes_the_states_for_new_conversations_only(root: Path) -> None:
    engine, reloader, _ = _reloader(root)
    session, _ = engine.start("en")
    _edit(root / "flows" / "welcome.yaml", "flow: menu", "flow: diary")
    assert reloader.check() is not None
    assert engine.turn(session, UserInput(choice="start")).state == "choose"
    fresh, _ = engine.start("en")
    assert engine.turn(fresh, UserInput(choice="start")).state == "ask_mood"


@pytest.mark.parametrize(
    ("file", "old", "new", "error"),
    [
        pytest.param("flows/welcome.yaml", "go: intro}", "go: intor}",
                     "error: state 'hello', option 'start': go 'intor' is not a state of flow "
                     "'welcome' (did you mean 'intro'?)", id="bad-target"),
        pytest.param("locale/en/messages.yaml", HELLO, "welcome.hello: [unclosed",
                     "locale/en/messages.yaml:6:", id="yaml-syntax"),
        pytest.param("locale/es/messages.yaml", "diary.thanks: Gracias.\n", "",
                     "message 'diary.thanks' is in en but missing from 'es'", id="missing-key"),
    ],
)
def test_an_invalid_edit_keeps_the_old_version_and_prints_the_errors(
    root: Path, file: str, old: str, new: str, error: str
) -> None:
    engine, reloader, said = _reloader(root)
    before = engine.current.version
    _edit(root / file, old, new)
    assert reloader.check() is None
    assert engine.current.version == before and _hello(engine).startswith("Hello.")
    assert any(error in line for line in said), said
    assert said[-1].endswith(f" error(s); still serving version {before}")
    shutil.copy(CONTENT / file, root / file)  # undone: the same content as before
    assert reloader.check() is None  # fixed back to the same content: nothing new to serve
    assert engine.current.version == before


def test_old_versions_are_dropped_past_the_limit(root: Path) -> None:
    engine, reloader, _ = _reloader(root)
    first = engine.current.version
    title = "welcome.title: Welcome"
    for i in range(KEEP_VERSIONS + 2):
        _edit(root / "locale" / "en" / "messages.yaml", title, f"{title} {i}")
        title = f"{title} {i}"
        assert reloader.check() is not None
    assert len(engine.versions) == KEEP_VERSIONS and first not in engine.versions


def _on_serving(served: asyncio.Event) -> Callable[[str], None]:
    """A reloader's ``report`` that sets ``served`` when a new version is served (it reports
    from the event loop's thread), so a test waits on that, not on a clock."""

    def report(line: str) -> None:
        if "now serving version" in line:
            served.set()

    return report


async def test_the_watcher_picks_up_edits_by_itself(root: Path) -> None:
    engine, _, _ = _reloader(root)
    served = asyncio.Event()
    reloader = Reloader(engine, root, interval=0.02, report=_on_serving(served))
    stop = asyncio.Event()
    task = asyncio.create_task(reloader.run(stop))
    try:
        _edit(root / "locale" / "en" / "messages.yaml", HELLO, "welcome.hello: Watched.")
        await asyncio.wait_for(served.wait(), 30)
        assert _hello(engine) == "Watched."
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)  # returns on the event, without being cancelled
    assert task.done() and not task.cancelled()


async def test_the_server_with_reload_serves_the_edit(root: Path, aiohttp_client: Any) -> None:
    served = asyncio.Event()
    app = create_app(load_engine(root), WebConfig())
    app.cleanup_ctx.append(reload_ctx(root, interval=0.02, report=_on_serving(served)))
    client = await aiohttp_client(app)
    before = await (await client.post("/api/v1/start", json={"locale": "en"})).json()
    _edit(root / "locale" / "en" / "messages.yaml", HELLO, "welcome.hello: Served.")
    await asyncio.wait_for(served.wait(), 30)
    after = await (await client.post("/api/v1/start", json={"locale": "en"})).json()
    assert after["messages"][0]["text"] == "Served."
    turn = await client.post("/api/v1/turn", json={
        "session": before["session"], "seq": before["seq"], "choice": "leave"})
    assert turn.status == 200
    assert (await turn.json())["messages"][0]["text"] == "Goodbye for now."


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url, json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        data: dict[str, Any] = json.loads(response.read())
        return data


class _StderrWatch:
    """Reads a process's stderr on a thread; `wait_for(text)` blocks until a line holds it."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        assert proc.stderr is not None
        self._stream = proc.stderr
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self._stream:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()

    def wait_for(self, text: str, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(
                lambda: any(text in line for line in self.lines), timeout=timeout)

    def text(self) -> str:
        self._thread.join(timeout=10)
        self._stream.close()
        return "".join(self.lines)


def test_serve_reload_command_end_to_end(root: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--reload", "--reload-interval", "0.1",
         "--port", str(port), "--content", str(root)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    err = _StderrWatch(proc)
    url = f"http://127.0.0.1:{port}/api/v1/start"
    try:
        wait_ready(f"http://127.0.0.1:{port}", proc)
        first = _post(url, {"locale": "en"})
        _edit(root / "flows" / "welcome.yaml", "go: intro}", "go: intor}")
        # the reloader has read the broken edit and refused it: only then is "still serving" true
        assert err.wait_for("still serving version", timeout=30), "the broken edit was not seen"
        assert _post(url, {"locale": "en"})["messages"][0]["text"].startswith("Hello.")
        # the new greeting first, while the flow is still broken: the first valid state has both
        _edit(root / "locale" / "en" / "messages.yaml", HELLO, "welcome.hello: Live.")
        _edit(root / "flows" / "welcome.yaml", "go: intor}", "go: intro}")
        assert err.wait_for("reload: now serving version", timeout=30), "the edit was not loaded"
        assert _post(url, {"locale": "en"})["messages"][0]["text"] == "Live."
        assert first["messages"][0]["text"].startswith("Hello.")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    text = err.text()
    assert "go 'intor' is not a state of flow 'welcome'" in text
