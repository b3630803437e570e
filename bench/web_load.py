"""Load benchmark of the chat's JSON API beside a bare aiohttp handler, in the same run.

    .venv/bin/python bench/web_load.py [--turns 40] [--levels 64 256] [--text-share 0.3]
    .venv/bin/python bench/web_load.py --store redis://127.0.0.1:6379/15 --workers 2

Starts ``redirection-bot serve`` (memory store) and a bare aiohttp app (one handler returning a
reply-sized JSON) as separate processes on loopback, then drives each from this process with
an aiohttp client: N concurrent conversations, each a start and then ``--turns`` turns (a loop
through the welcome and help flows that never ends the conversation). Prints turns per second,
latency percentiles and each server's CPU time per turn (from /proc: the figure least moved by
other work on a shared machine) per concurrency level (medians of --rounds alternating runs, since
client and servers share the machine's CPUs), and the ratio to the bare handler. Bounded: a
fixed number of requests, a time limit per level, loopback only.

``--text-share 0.3``: 30% of turns (a seeded choice) are typed text instead of a button, so they
go through the full crisis screener (phrase rules and learned stage; on the event loop, as every
typed turn of up to ``INLINE_TEXT_CHARS`` is). The
texts are everyday messages from the dev part of the corpus, 60 to 300 characters, that the
screener neither interrupts nor checks in on and that tell of no lapse (checked here first), so
the loop stays where it is (the bot answers "not understood" and asks again). The bare handler
gets the same requests. The same chat server is also driven with buttons only (row ``buttons``),
and a second ratio (``/btns``) compares the chat with typed turns to it: what typed turns cost
the web, apart from what the engine costs beside a handler that does nothing (session 23: the
chat with buttons only at 0.69 of bare, with 30% typed turns at 0.32 of bare and 0.47 of
buttons only). Session 43 (one run, 64 at once): CPU a turn 0.070 ms bare, 0.223 ms buttons only
(0.49 of bare in turns/s), 0.453 ms with 30% typed (0.24), so a typed turn costs the server
about 0.99 ms. Sampled with py-spy on a server given only typed turns, screening was 54% of
its CPU (the learned stage 38%, the phrase rules 13%), the lapse phrases 4%, and HTTP, JSON,
the record's keys and sealing the rest. Even a screener that cost nothing would leave the chat
under 0.6 of a handler that does nothing: buttons alone are at 0.49.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT = 120.0  # seconds per level, at most

BARE_APP = r'''
import json, sys
from aiohttp import web
REPLY = json.dumps({"session": "x" * 43, "seq": 1, "locale": "en",
    "messages": [{"key": "welcome.how_to_leave", "text": "y" * 160}],
    "options": [{"id": "ready", "label": "I'm ready"}, {"id": "help", "label": "Get help now"}],
    "input": "choice", "ended": False})
async def turn(request):
    await request.json()
    return web.Response(text=REPLY, content_type="application/json")
app = web.Application()
app.add_routes([web.post("/api/v1/turn", turn), web.post("/api/v1/start", turn),
                web.get("/favicon.ico", lambda r: web.Response(status=204))])
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
'''

# a path that loops forever: welcome.hello -> leaving -> help -> back to leaving -> help ...
LOOP = ["help", "back"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120  # start-up lints the content: slow on a busy machine
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/favicon.ico", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def _children(pid: int) -> list[int]:
    """The live children of ``pid`` (Linux /proc: every thread's children list)."""
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                out += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return out


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process, its live descendants (``serve --workers``, a screener
    process) and its reaped children used so far (Linux /proc)."""
    total, todo, seen = 0.0, [pid], set()
    while todo:
        one = todo.pop()
        if one in seen:
            continue
        seen.add(one)
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            if one == pid:
                return float("nan")
            continue
        total += sum(int(f) for f in fields[11:15])
        todo += _children(one)
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def everyday_texts(n: int = 300) -> list[str]:
    """Dev negatives, joined up to 60-300 characters, that screening lets through quietly and
    that tell of no lapse (one in ten joined texts did, and took its conversation off the loop
    into the lapse path)."""
    sys.path.insert(0, str(ROOT))
    from bot.lapse import LapseFinder
    from bot.screening.corpus import load_pool, split
    from bot.screening.screener import Screener

    screener = Screener.from_dir(ROOT / "locale", base=ROOT)
    lapse = LapseFinder.from_dir(ROOT / "locale", base=ROOT)
    pool = [ex.text for ex in split(load_pool(ROOT / "corpus", "en"))[1] if not ex.labels]
    rng = random.Random(11)
    out: list[str] = []
    while len(out) < n:
        text = rng.choice(pool)
        while len(text) < rng.randint(60, 300):
            text += ". " + rng.choice(pool)
        text = text[:300]
        if not screener.screen(text, "en") and not lapse(text, "en"):
            out.append(text)
    return out


TEXTS: list[str] = []


async def conversation(session: aiohttp.ClientSession, url: str, turns: int, bare: bool,
                       latencies: list[float], deadline: float, text_share: float = 0.0,
                       seed: int = 0) -> int:
    async with session.post(url + "/api/v1/start", json={"locale": "en"}) as resp:
        reply = await resp.json()
    done = 0
    if not bare:  # leave the welcome screen: from here on the loop never ends the conversation
        async with session.post(url + "/api/v1/turn", json={
                "session": reply["session"], "seq": reply["seq"], "choice": "continue"}) as resp:
            reply = await resp.json()
    rng = random.Random(seed)
    step = 0
    for _ in range(turns):
        if time.monotonic() > deadline:
            break
        body: dict[str, object] = {"session": reply["session"], "seq": reply["seq"]}
        if text_share and rng.random() < text_share:
            body["text"] = rng.choice(TEXTS)
        else:
            body["choice"] = LOOP[step % 2]
            step += 1
        t0 = time.perf_counter()
        async with session.post(url + "/api/v1/turn", json=body) as resp:
            if resp.status != 200:
                raise SystemExit(f"turn failed: {resp.status} {await resp.text()}")
            reply = await resp.json()
        latencies.append(time.perf_counter() - t0)
        done += 1
    return done


async def level(url: str, concurrency: int, turns: int, bare: bool,
                text_share: float = 0.0, pid: int = 0) -> dict[str, float]:
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        # warm up
        await asyncio.gather(*(conversation(session, url, 2, bare, [], time.monotonic() + 30)
                               for _ in range(min(concurrency, 16))))
        deadline = time.monotonic() + TIME_LIMIT
        cpu0 = cpu_seconds(pid) if pid else float("nan")
        t0 = time.perf_counter()
        counts = await asyncio.gather(*(
            conversation(session, url, turns, bare, latencies, deadline, text_share, seed)
            for seed in range(concurrency)))
        wall = time.perf_counter() - t0
        cpu = cpu_seconds(pid) - cpu0 if pid else float("nan")
    total = sum(counts)
    return {
        "turns": total, "per_s": total / wall,
        "p50": statistics.median(latencies) * 1000, "p99": percentile(latencies, 99) * 1000,
        "cpu_ms": cpu / total * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=40, help="turns per conversation")
    parser.add_argument("--levels", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternate chat and bare this many times per level; report medians")
    parser.add_argument("--text-share", type=float, default=0.0,
                        help="share of turns typed as text through the full screener (e.g. 0.3)")
    parser.add_argument("--store", default="memory", help="serve --store (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=1, help="serve --workers (more than 1 needs --store redis://)")
    parser.add_argument("--ports", type=int, nargs=2, metavar=("CHAT", "BARE"),
                        help="loopback ports for the two servers (default: any free ones)")
    args = parser.parse_args()
    if args.text_share:
        TEXTS.extend(everyday_texts())
    chat_port, bare_port = args.ports if args.ports else (free_port(), free_port())
    env = {**os.environ, "REDIRECTION_BOT_LOG_LEVEL": "WARNING"}
    chat = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(chat_port),
         "--max-sessions", "100000", "--store", args.store, "--workers", str(args.workers)],
        cwd=ROOT, env=env)
    bare = subprocess.Popen([sys.executable, "-c", BARE_APP, str(bare_port)], env=env)
    try:
        chat_url, bare_url = f"http://127.0.0.1:{chat_port}", f"http://127.0.0.1:{bare_port}"
        wait_ready(chat_url, chat)
        wait_ready(bare_url, bare)
        print(f"{os.cpu_count()} CPUs; {args.turns} turns per conversation; "
              f"{args.text_share:.0%} typed text; server and client in separate processes on loopback; "
              f"store {args.store.split('://')[0]}, {args.workers} worker(s)")
        print(f"{'conc':>5} {'server':>6} {'turns':>7} {'turns/s':>9} {'p50 ms':>8} "
              f"{'p99 ms':>8} {'cpu ms/turn':>11}")
        results: dict[tuple[int, str], dict] = {}
        runs = [("chat", chat_url, False, chat.pid, args.text_share)]
        if args.text_share:
            runs.append(("buttons", chat_url, False, chat.pid, 0.0))
        runs.append(("bare", bare_url, True, bare.pid, args.text_share))
        for n in args.levels:
            for name, *_ in runs:
                results[(n, name)] = {"turns": 0.0, "per_s": [], "p50": [], "p99": [], "cpu_ms": []}
            for _ in range(args.rounds):
                for name, url, is_bare, pid, share in runs:
                    one = asyncio.run(level(url, n, args.turns, is_bare, share, pid))
                    acc = results[(n, name)]
                    acc["turns"] += one["turns"]
                    for k in ("per_s", "p50", "p99", "cpu_ms"):
                        acc[k].append(one[k])
            for name, *_ in runs:
                acc = results[(n, name)]
                r = results[(n, name)] = {
                    "turns": acc["turns"],
                    **{k: statistics.median(acc[k]) for k in ("per_s", "p50", "p99", "cpu_ms")},
                }
                print(f"{n:>5} {name:>6} {r['turns']:>7.0f} {r['per_s']:>9.0f} "
                      f"{r['p50']:>8.1f} {r['p99']:>8.1f} {r['cpu_ms']:>11.3f}", flush=True)
            c = results[(n, "chat")]
            for label, other in (("ratio", "bare"), ("/btns", "buttons")):
                if (n, other) in results:
                    b = results[(n, other)]
                    print(f"{n:>5} {label:>6} {'':>7} {c['per_s'] / b['per_s']:>9.2f} "
                          f"{c['p50'] / b['p50']:>8.2f} {c['p99'] / b['p99']:>8.2f} "
                          f"{c['cpu_ms'] / b['cpu_ms']:>11.2f}")
        print(json.dumps({f"{n}/{name}": {k: round(v, 3 if k == "cpu_ms" else 1) for k, v in r.items()}
                          for (n, name), r in results.items()}))
    finally:
        for proc in (chat, bare):
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
