"""``serve --workers N`` and ``--metrics-port`` as real processes: two workers on one port and one
Redis carry a conversation between them, each with its metrics on loopback only; they stop
together; the memory store is refused with N > 1. Slow."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from tests.web.conftest import free_port, free_ports, start_redis
from tests.web.helpers import TO_MENU, TO_REASON, wait_until
from tests.web.servers import serving
from tests.web.test_metrics import sample
from tests.web.test_serve import post


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[str]:
    proc, url = start_redis(tmp_path)
    yield url
    proc.terminate()
    proc.wait(10)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read().decode()


def answering(url: str) -> bool:
    try:
        get(url)
    except OSError:
        return False
    return True


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:
                found.add(addr)
    return found


def wait_gone(pids: list[int], timeout: float = 20) -> None:
    wait_until(lambda: not any(Path(f"/proc/{p}").exists() and "zombie" not in _status(p) for p in pids),
               f"{pids} to exit", within=timeout)


def _status(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "zombie"


def test_two_workers_share_the_port_and_a_conversation_and_stop_together(redis_server: str) -> None:
    # one free block: the public port, then both workers' metrics ports (a lone free port for
    # the metrics said nothing of the next one, and this failed once in a full run)
    port = free_ports(3)
    mport = port + 1
    with serving("--store", redis_server, "--workers", "2", "--metrics-port", str(mport),
                 port=port) as (url, proc):
        workers = children(proc.pid)
        assert len(workers) == 2
        for i in range(2):  # both workers up (their metrics ports answer) before the first turn
            metrics = f"http://127.0.0.1:{mport + i}/metrics"
            wait_until(partial(answering, metrics), f"{metrics} to answer", within=90, every=0.1)
        status, r = post(url, "/api/v1/start", {"locale": "es"})
        assert status == 201
        for choice in TO_MENU:
            status, r = post(url, "/api/v1/turn", {"session": r["session"], "seq": r["seq"], "choice": choice})
            assert status == 200, r
        for _ in range(3):  # each request a new connection: the kernel spreads them
            for choice in TO_REASON:
                status, r = post(url, "/api/v1/turn", {"session": r["session"], "seq": r["seq"],
                                                       "choice": choice})
                assert status == 200, r
            assert r["flow"] == "why_change" and r["input"] == "choice_or_text"
            status, r = post(url, "/api/v1/turn", {"session": r["session"], "seq": r["seq"],
                                                   "text": "quiero que confíen en mí"})
            assert status == 200 and "confíen en mí" in r["messages"][0]["text"]
            status, r = post(url, "/api/v1/turn", {"session": r["session"], "seq": r["seq"], "text": "menú"})
            assert status == 200 and r["flow"] == "menu", r
        # a repeat gets the same reply, a stale seq is refused, whichever worker answers
        status, again = post(url, "/api/v1/turn", {"session": r["session"], "seq": r["seq"] - 1, "text": "menú"})
        assert status == 200 and again == r
        status, err = post(url, "/api/v1/turn", {"session": r["session"], "seq": 0, "choice": "continue"})
        assert status == 409 and err["help"]

        turns = []
        for i in range(2):
            status, text = get(f"http://127.0.0.1:{mport + i}/metrics")
            assert status == 200
            turns.append(sample(text, "redirection_bot_turns_total", route="turn"))
            assert listening_addresses(mport + i) == {"0100007F"}  # 127.0.0.1, nothing else
        assert sum(turns) == len(TO_MENU) + 3 * (len(TO_REASON) + 2) + 1  # and the repeat; the 409 is an error
        assert all(n > 0 for n in turns), f"one worker answered every turn: {turns}"
        assert get(url + "/metrics")[0] == 404

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        wait_gone(workers)


def test_a_worker_that_dies_stops_the_others(redis_server: str) -> None:
    with serving("--store", redis_server, "--workers", "2") as (_url, proc):
        first, second = children(proc.pid)
        os.kill(first, signal.SIGKILL)
        assert proc.wait(30) == 1
        wait_gone([second])


def test_metrics_answer_on_loopback_only_and_not_on_the_public_port() -> None:
    mport = free_port()
    with serving("--metrics-port", str(mport), "--host", "0.0.0.0") as (url, _proc):
        status, text = get(f"http://127.0.0.1:{mport}/metrics")
        assert status == 200 and "redirection_bot_store_up 1.0" in text
        assert listening_addresses(mport) == {"0100007F"}
        assert get(url + "/metrics")[0] == 404
        assert get(f"http://127.0.0.1:{mport}/api/v1/openapi.json")[0] == 404


@pytest.mark.parametrize(("args", "message"), [
    (("--workers", "2"), "pass --store redis://HOST:PORT/DB"),
    (("--workers", "0"), "--workers 0: pass 1 or more"),
    (("--workers", "2", "--store", "redis://127.0.0.1:1/0", "--reload"), "--reload runs one process"),
    (("--workers", "2", "--store", "redis://127.0.0.1:1/0", "--metrics-port", "18649"),
     "--metrics-port 18649 (ports 18649-18650) includes the public port 18650"),
])
def test_serve_refuses_workers_it_cannot_run(args: tuple[str, ...], message: str) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "serve", "--port", "18650", *args],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert message in done.stderr


def test_a_server_that_does_not_start_says_why_in_the_failure() -> None:
    """The suites' ``serving`` puts the server's own output in the error: a start-up that failed
    once in a full run (exit 1, nothing else known) would now say why."""
    port = free_port()
    with pytest.raises(RuntimeError, match=r"(?s)serve exited with 1 .*includes the public port"), \
            serving("--workers", "2", "--store", "redis://127.0.0.1:1/0", "--metrics-port", str(port - 1),
                    port=port):
        pass


def test_free_ports_gives_a_block_that_binds_and_skips_ports_in_use() -> None:
    first = free_ports(3)
    held = []
    try:
        for p in range(first, first + 3):  # all three bind together
            s = socket.socket()
            held.append(s)
            s.bind(("127.0.0.1", p))
        assert free_ports(2) not in range(first - 1, first + 3)  # no block overlapping the held ones
    finally:
        for s in held:
            s.close()
