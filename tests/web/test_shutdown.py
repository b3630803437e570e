"""``serve`` exits within 5 s of SIGTERM, whatever its clients and its store are doing: a body
still trickling in (memory store), a Redis frozen in the middle of a command (redis store). Slow:
real processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.web.conftest import start_redis
from tests.web.helpers import wait_until
from tests.web.servers import serving

EXIT_WITHIN = 5.0


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _unread_bytes_at(port: int) -> int:
    """Bytes waiting, unread, in the receive queues of the sockets of a server on ``port``
    (from /proc/net/tcp): a frozen Redis shows the command it has not read."""
    total = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, queues = fields[1], fields[4]
            if int(local.rsplit(":", 1)[1], 16) == port:
                total += int(queues.split(":")[1], 16)
    return total


def _request(url: str, path: str, body: bytes, *, send_all: bool = True) -> socket.socket:
    """Open a connection and send a POST (all of it, or the head and a first byte of the body);
    the caller keeps the socket open."""
    s = socket.create_connection(("127.0.0.1", _port(url)), timeout=10)
    head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    s.sendall(head + (body if send_all else body[:1]))
    return s


def _start(url: str) -> dict[str, object]:
    req = urllib.request.Request(url + "/api/v1/start", data=b'{"locale": "en"}', method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return dict(json.loads(resp.read()))


def _exits_within(proc: object, limit: float) -> float:
    began = time.monotonic()
    proc.send_signal(signal.SIGTERM)  # type: ignore[attr-defined]
    proc.wait(limit + 5)  # type: ignore[attr-defined]
    return time.monotonic() - began


@contextmanager
def _redis(tmp: Path) -> Iterator[tuple[int, str]]:
    proc, url = start_redis(tmp)
    try:
        yield proc.pid, url
    finally:
        os.kill(proc.pid, signal.SIGCONT)
        proc.kill()
        proc.wait(10)


def test_serve_exits_within_5_s_of_sigterm_while_a_body_trickles_in(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with serving(log=log) as (url, proc):
        conn = _request(url, "/api/v1/start", json.dumps({"locale": "en"}).encode(),
                        send_all=False)
        try:
            took = _exits_within(proc, EXIT_WITHIN)
        finally:
            conn.close()
    assert proc.returncode == 0
    assert took < EXIT_WITHIN, f"serve took {took:.1f} s to stop"
    assert "exiting now" not in log.read_text(), "the graceful shutdown was bounded by itself"


def test_serve_exits_within_5_s_of_sigterm_with_redis_frozen_mid_command(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with _redis(tmp_path) as (redis_pid, redis_url), \
            serving("--store", redis_url, log=log) as (url, proc):
        redis_port = _port(redis_url.rsplit("/", 1)[0])
        starts = [_start(url) for _ in range(3)]  # start stores nothing: the answers go to Redis
        os.kill(redis_pid, signal.SIGSTOP)
        conns = [_request(url, "/api/v1/turn", json.dumps(
                     {"session": s["session"], "seq": 0, "choice": "continue"}).encode())
                 for s in starts]
        try:
            wait_until(lambda: _unread_bytes_at(redis_port) > 0,
                       "the first answers to reach the frozen Redis", every=0.02)
            took = _exits_within(proc, EXIT_WITHIN)
        finally:
            for c in conns:
                c.close()
        assert proc.returncode == 0
        assert took < EXIT_WITHIN, f"serve took {took:.1f} s to stop"
        print(f"stopped in {took:.2f} s; log: {log.read_text()!r}")
