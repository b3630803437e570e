"""Replay the hostile corpus against ``redirection-bot serve`` on loopback and print what came back.

    .venv/bin/python -m bench.hostile [--flood-seconds 60] [--flood-rate 10000] [--race 100]

Starts a redis-server (no persistence) and ``serve --store redis://...`` as separate processes,
then sends, from this process:

1. every kind of malformed request in ``bench/malformed.py`` (16), to the API and to a page:
   status, content type, whether the crisis resources came back;
2. encodings: bodies that are not their Content-Encoding (gzip, deflate, br), invalid UTF-8,
   a lone surrogate, a form in Latin-1;
3. the start flood: ``--flood-rate`` starts per second from one client for ``--flood-seconds``
   (bounded: at most rate x seconds requests, 64 in flight), then a new person who starts and
   answers; the live sessions in Redis before and after;
4. the race: 20 turns at once on one reply (10 "Understood", 10 "end"), ``--race`` times;
5. a store outage: Redis frozen (SIGSTOP), then killed: a turn, and "Leave quickly" without
   JavaScript, with their times.

Loopback only, fixed counts, a time limit on everything; every process it starts is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

from bench.malformed import MALFORMED

ROOT = Path(__file__).resolve().parent.parent
JSON = {"Content-Type": "application/json"}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def raw(port: int, data: bytes, timeout: float = 15.0) -> tuple[int, str, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        reply = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    ctype = next((line.split(": ", 1)[1] for line in lines[1:]
                  if line.lower().startswith("content-type:")), "-")
    status = int(lines[0].split(" ")[1]) if lines and " " in lines[0] else 0
    return status, ctype.split(";")[0], body


def _has_help(ctype: str, body: bytes) -> bool:
    if ctype == "application/json":
        try:
            return bool(json.loads(body).get("help"))
        except ValueError:
            return False
    return b'class="resources"' in body


async def malformed(port: int) -> None:
    print("\n== 1. malformed requests (aiohttp's parser refuses them) ==")
    print(f"{'kind':42} {'API':>28} {'page':>24}")
    for kind in sorted(MALFORMED("/")):
        cells = []
        for path in ("/api/v1/start", "/chat"):
            status, ctype, body = await raw(port, MALFORMED(path)[kind])
            cells.append(f"{status} {ctype.split('/')[1]} help={'yes' if _has_help(ctype, body) else 'NO'}")
        print(f"{kind:42} {cells[0]:>28} {cells[1]:>24}")


async def encodings(port: int) -> None:
    print("\n== 2. encodings ==")
    cases: list[tuple[str, str, dict[str, str], bytes]] = []
    for enc in ("gzip", "deflate", "br"):
        cases.append((f"JSON labelled {enc}, not {enc}", "/api/v1/start",
                      {**JSON, "Content-Encoding": enc}, b'{"locale": "en"}'))
        cases.append((f"form labelled {enc}, not {enc}", "/chat",
                      {"Content-Type": "application/x-www-form-urlencoded",
                       "Content-Encoding": enc}, b"action=start&locale=en"))
    cases += [
        ("JSON with invalid UTF-8", "/api/v1/start", JSON, b'{"locale": "\xff\xfe"}'),
        ("JSON with a lone surrogate", "/api/v1/start", JSON, b'{"locale": "\\ud800"}'),
        ("JSON in UTF-16", "/api/v1/start", JSON, '{"locale": "en"}'.encode("utf-16")),
        ("form in Latin-1", "/chat", {"Content-Type": "application/x-www-form-urlencoded"},
         "action=start&locale=español".encode("latin-1")),
    ]
    for label, path, headers, body in cases:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        status, ctype, reply = await raw(port, (
            f"POST {path} HTTP/1.1\r\nHost: x\r\n{head}Content-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode() + body)
        print(f"{label:38} {status} {ctype:18} help={'yes' if _has_help(ctype, reply) else 'NO'}")


async def flood(url: str, live: Any, seconds: float, rate: int) -> None:
    print(f"\n== 3. start flood: {rate}/s target from one client for {seconds:.0f} s ==")
    before = live()
    statuses: Counter[int] = Counter()
    sem = asyncio.Semaphore(64)
    total = int(seconds * rate)
    loop = asyncio.get_running_loop()
    began = loop.time()
    deadline = began + seconds

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as http:
        async def one() -> None:
            try:
                async with http.post(url + "/api/v1/start", json={"locale": "en"}) as r:
                    await r.read()
                    statuses[r.status] += 1
            except aiohttp.ClientError:
                statuses[0] += 1
            finally:
                sem.release()

        tasks = set()
        for i in range(total):
            due = began + i / rate
            now = loop.time()
            if now >= deadline:
                break
            if due > now:
                await asyncio.sleep(due - now)
            await sem.acquire()
            task = asyncio.create_task(one())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.wait_for(asyncio.gather(*tasks), 30)
        took = loop.time() - began
        sent = sum(statuses.values())
        print(f"sent {sent} starts in {took:.1f} s = {sent / took:.0f}/s (the server's ceiling "
              f"on this machine, client and server sharing its CPUs); replies: {dict(statuses)}")
        print(f"live sessions in Redis: {before} before, {live()} after")
        t0 = loop.time()
        async with http.post(url + "/api/v1/start", json={"locale": "es"}) as r:
            first = await r.json()
        async with http.post(url + "/api/v1/turn", json={
                "session": first["session"], "seq": 0, "choice": "continue"}) as r:
            answered = r.status
        print(f"a new person then: start {201 if first.get('session') else '?'}, answer {answered}"
              f" ({(loop.time() - t0) * 1000:.0f} ms); live sessions now {live()}")


async def race(url: str, rounds: int) -> None:
    print(f"\n== 4. race: 10 'Understood' + 10 'end' at once on one reply, {rounds} times ==")
    outcomes: Counter[str] = Counter()
    async with aiohttp.ClientSession() as http:
        for _ in range(rounds):
            async with http.post(url + "/api/v1/start", json={"locale": "en"}) as r:
                s = await r.json()
            async with http.post(url + "/api/v1/turn", json={
                    "session": s["session"], "seq": 0, "choice": "continue"}) as r:
                s = await r.json()

            async def answer(what: dict[str, str], s: dict[str, Any] = s) -> tuple[int, Any]:
                async with http.post(url + "/api/v1/turn", json={
                        "session": s["session"], "seq": s["seq"], **what}) as r:
                    return r.status, await r.json()

            got = await asyncio.gather(*(answer(w) for w in
                                         [{"choice": "understood"}, {"command": "end"}] * 10))
            ok = [b for st, b in got if st == 200]
            ended = {b["ended"] for b in ok}
            outcomes["both continued and ended" if len(ended) > 1 else
                     "ended" if ended == {True} else "continued"] += 1
    print(dict(outcomes))


async def outage(url: str, port: int, redis_proc: subprocess.Popen[bytes]) -> None:
    print("\n== 5. store outage ==")
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        async def conversation() -> dict[str, Any]:
            async with http.post(url + "/api/v1/start", json={"locale": "en"}) as r:
                s = await r.json()
            async with http.post(url + "/api/v1/turn", json={
                    "session": s["session"], "seq": 0, "choice": "continue"}) as r:
                return dict(await r.json())

        async def probe(label: str, s: dict[str, Any]) -> None:
            t0 = time.monotonic()
            async with http.post(url + "/api/v1/turn", json={
                    "session": s["session"], "seq": s["seq"], "choice": "understood"}) as r:
                body = await r.json()
                print(f"{label}: turn {r.status} {body.get('error', {}).get('code', '')} "
                      f"help={'yes' if body.get('help') else 'no'} "
                      f"in {time.monotonic() - t0:.2f} s")
            t0 = time.monotonic()
            async with http.post(url + "/chat", data={"session": s["session"], "action": "exit"},
                                 allow_redirects=False) as r:
                print(f"{label}: Leave quickly (no JS) {r.status} -> {r.headers.get('Location')} "
                      f"in {time.monotonic() - t0:.2f} s")

        frozen, down = await conversation(), await conversation()
        os.kill(redis_proc.pid, signal.SIGSTOP)
        try:
            await probe("Redis frozen", frozen)
        finally:
            os.kill(redis_proc.pid, signal.SIGCONT)
        redis_proc.kill()
        redis_proc.wait(10)
        await probe("Redis killed", down)


def _start(args: list[str], **kw: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def _wait(check: Any, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{what} did not start")


async def main_async(args: argparse.Namespace) -> None:
    import urllib.request

    import redis

    exe = shutil.which("redis-server")
    if exe is None:
        raise SystemExit("redis-server is not installed")
    tmp = tempfile.mkdtemp(prefix="hostile-")
    rport, port = args.redis_port or _free_port(), args.port or _free_port()
    rproc = _start([exe, "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--dir", tmp])
    sproc = None
    try:
        admin = redis.Redis(port=rport)
        _wait(admin.ping, "redis-server")
        url = f"http://127.0.0.1:{port}"
        sproc = _start([sys.executable, "-m", "bot", "serve", "--port", str(port),
                        "--store", f"redis://127.0.0.1:{rport}/0", "--log-level", "WARNING"],
                       cwd=ROOT)
        _wait(lambda: urllib.request.urlopen(url + "/favicon.ico", timeout=1), "serve")
        await malformed(port)
        await encodings(port)
        await flood(url, lambda: admin.zcard("rb:live"), args.flood_seconds, args.flood_rate)
        await race(url, args.race)
        await outage(url, port, rproc)
    finally:
        for proc in (sproc, rproc):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flood-seconds", type=float, default=10.0)
    parser.add_argument("--flood-rate", type=int, default=10_000)
    parser.add_argument("--race", type=int, default=100)
    parser.add_argument("--port", type=int, default=0, help="serve's port (default: a free one)")
    parser.add_argument("--redis-port", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
