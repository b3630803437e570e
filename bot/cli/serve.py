"""``redirection-bot serve``: the web chat (JSON API, no-JS pages, widget) on aiohttp.

    redirection-bot serve --port 8080 --store redis://127.0.0.1:6379/0 \\
        --frame-ancestors "https://help.example.org" --workers 2 --metrics-port 9464

Loads and lints the content first and refuses to start on any error. No access log; library
logs are scrubbed of addresses and request data (see ``bot.web.logs``).
"""

from __future__ import annotations

import argparse
import logging
import os

from bot.bootstrap import load_engine
from bot.paths import add_content_argument
from bot.web.config import WebConfig


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    env = os.environ.get
    p = subparsers.add_parser("serve", help="serve the web chat")
    p.add_argument("--host", default=env("REDIRECTION_BOT_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(env("REDIRECTION_BOT_PORT", "8080")))
    p.add_argument("--store", default=env("REDIRECTION_BOT_STORE", "memory"),
                   help="'memory' (default) or redis://host:port/db")
    p.add_argument("--frame-ancestors", default=env("REDIRECTION_BOT_FRAME_ANCESTORS", "'self'"),
                   help="origins allowed to embed the chat (the widget's hosts), space-separated "
                        "(default: %(default)s)")
    p.add_argument("--idle-timeout", type=float, default=30 * 60, metavar="SECONDS")
    p.add_argument("--max-sessions", type=int, default=10_000)
    p.add_argument("--allow-persistent-store", action="store_true",
                   help="accept a Redis that saves to disk (refused by default)")
    p.add_argument("--log-level", default=env("REDIRECTION_BOT_LOG_LEVEL", "INFO"))
    p.add_argument("--reload", action="store_true",
                   help="for designers: watch flows/ and locale/; serve each valid edit to new "
                   "conversations (those in progress finish on theirs); on an invalid edit, "
                   "print the lint errors to stderr and keep serving the old version")
    p.add_argument("--reload-interval", type=float, default=1.0, metavar="SECONDS",
                   help="with --reload: how often to look for changes (default: %(default)s)")
    p.add_argument("--metrics-port", type=int, default=None, metavar="PORT",
                   help="serve Prometheus metrics at http://127.0.0.1:PORT/metrics (loopback only; "
                   "with --workers N, worker i on PORT+i)")
    p.add_argument("--workers", type=int, default=int(env("REDIRECTION_BOT_WORKERS", "1")), metavar="N",
                   help="processes sharing the port (default: %(default)s); more than 1 needs "
                   "--store redis://...")
    add_content_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.web.server import serve
    from bot.web.workers import check_workers, run_workers

    check_workers(args.workers, args.store, reload=args.reload, port=args.port, metrics_port=args.metrics_port)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    engine = load_engine(args.content)  # linted, compiled, with crisis screening (S1)
    config = WebConfig(
        store=args.store,
        idle_timeout=args.idle_timeout,
        max_sessions=args.max_sessions,
        frame_ancestors=tuple(args.frame_ancestors.split()),
        allow_persistent_store=args.allow_persistent_store,
    )

    def serve_one(index: int) -> None:
        metrics_port = None if args.metrics_port is None else args.metrics_port + index
        serve(engine, config, host=args.host, port=args.port,
              watch=args.content if args.reload else None, watch_interval=args.reload_interval,
              metrics_port=metrics_port, reuse_port=args.workers > 1)

    if args.workers == 1:
        serve_one(0)
        return 0
    return run_workers(args.workers, serve_one)
