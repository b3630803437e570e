"""``redirection-bot serve`` as real processes: nothing of a conversation reaches a log line or
a file; two processes sharing one Redis serve one conversation alternately and it continues
when one is killed; start-up refuses bad content and a Redis that persists to disk. Slow."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import CANARY, free_port, start_redis
from tests.web.helpers import TO_MENU, TO_REASON
from tests.web.servers import serving


def post(url: str, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
         ) -> tuple[int, dict[str, Any]]:
    req = urllib.request.Request(
        url + path, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.loads(err.read())


def open_files_for_writing(pid: int) -> list[str]:
    """Regular files the process holds open for writing."""
    out = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            info = Path(f"/proc/{pid}/fdinfo/{fd}").read_text()
            flags = int(info.split("flags:")[1].split()[0], 8)
        except OSError:
            continue
        if target.startswith("/") and not target.startswith(("/dev/", "/proc/")) \
                and flags & (os.O_WRONLY | os.O_RDWR):
            out.append(target)
    return out


def test_a_canary_reaches_no_log_line_and_no_file(tmp_path: Path) -> None:
    work, logs = tmp_path / "work", tmp_path / "logs"
    work.mkdir()
    logs.mkdir()
    env = {"TMPDIR": str(work), "HOME": str(work), "REDIRECTION_BOT_LOG_LEVEL": "DEBUG"}
    log = logs / "serve.log"
    with serving(cwd=work, env=env, log=log) as (url, proc):
        ua = {"User-Agent": f"{CANARY}-agent", "X-Forwarded-For": "198.51.100.9"}
        status, r = post(url, "/api/v1/start", {"locale": "en"}, ua)
        assert status == 201
        choices = [{"choice": c} for c in (*TO_MENU, *TO_REASON)]
        for what in (*choices, {"text": f"my reason {CANARY}"}, {"text": CANARY * 200}):
            body = {"session": r["session"], "seq": r["seq"], **what}
            status, r2 = post(url, "/api/v1/turn", body, ua)
            if status == 200:
                r = r2
        post(url, "/api/v1/turn", {"session": CANARY, "seq": 0, "text": CANARY}, ua)
        with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=10) as s:
            s.sendall(f"POST /{CANARY} HTTP/1.1\r\nHost: x\r\nX: \x01{CANARY}\r\n\r\n".encode())
            s.recv(4096)
        # only its stdout and stderr, which the test points at a file
        assert [f for f in open_files_for_writing(proc.pid) if f != str(log)] == []
        post(url, "/api/v1/end", {"session": r["session"]})
    text = log.read_text("utf-8", "replace")
    assert "serving on" in text  # the log was written, at DEBUG
    for needle in (CANARY, "198.51.100.9"):
        assert needle not in text
    assert "127.0.0.1:" not in text.replace(url, "")  # no peer address (only our own URL)
    written = list(work.rglob("*"))
    assert written == [], f"files written at runtime: {written}"


def test_two_processes_share_one_conversation_and_survive_a_kill(tmp_path: Path) -> None:
    proc_redis, redis_url = start_redis(tmp_path)
    try:
        store = ("--store", redis_url)
        with serving(*store) as (a, proc_a), serving(*store) as (b, _):
            status, r = post(a, "/api/v1/start", {"locale": "es"})
            assert status == 201
            for i, choice in enumerate((*TO_MENU, *TO_REASON)):
                url = (b, a)[i % 2]
                status, r = post(url, "/api/v1/turn", {"session": r["session"], "seq": r["seq"],
                                                       "choice": choice})
                assert status == 200, r
            assert r["flow"] == "why_change" and r["input"] == "choice_or_text"
            # a repeat on the other process gets the same reply; a stale seq is refused there too
            status, again = post(a, "/api/v1/turn", {"session": r["session"], "seq": r["seq"] - 1,
                                                     "choice": TO_REASON[-1]})
            assert status == 200 and again == r
            status, err = post(a, "/api/v1/turn", {"session": r["session"], "seq": 0,
                                                   "choice": "continue"})
            assert status == 409 and err["help"]
            proc_a.send_signal(signal.SIGKILL)
            proc_a.wait(10)
            status, r = post(b, "/api/v1/turn", {"session": r["session"], "seq": r["seq"],
                                                 "text": "quiero que confíen en mí"})
            assert status == 200 and "confíen en mí" in r["messages"][0]["text"]
            status, _ = post(b, "/api/v1/end", {"session": r["session"]})
            assert status == 204
    finally:
        proc_redis.terminate()
        proc_redis.wait(10)


def _serve_fails(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--port", str(free_port()), *args],
        capture_output=True, text=True, timeout=30, cwd=cwd,
    )


def test_serve_refuses_a_redis_that_persists(tmp_path: Path) -> None:
    import redis

    proc_redis, redis_url = start_redis(tmp_path)
    try:
        admin = redis.Redis.from_url(redis_url)
        admin.config_set("appendonly", "yes")
        admin.close()
        done = _serve_fails("--store", redis_url)
        assert done.returncode == 1
        assert "persists to disk" in done.stderr and "--allow-persistent-store" in done.stderr
    finally:
        proc_redis.terminate()
        proc_redis.wait(10)


def test_serve_refuses_content_with_errors(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "locale").mkdir()
    done = _serve_fails("--content", str(tmp_path))
    assert done.returncode == 1
    assert "error(s) in the content" in done.stderr


@pytest.mark.parametrize("port", [free_port()])
def test_serve_help_lists_the_options(port: int) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "serve", "--help"],
                          capture_output=True, text=True, timeout=30)
    for flag in ("--host", "--port", "--store", "--frame-ancestors", "--idle-timeout",
                 "--max-sessions", "--allow-persistent-store", "--content"):
        assert flag in done.stdout
