"""Running ``redirection-bot serve`` as a real process for the slow suites."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.web.conftest import free_port


def wait_ready(url: str, proc: subprocess.Popen[Any], timeout: float = 90) -> None:
    # a deadline, not a wait: the content loads in about 8 s on a quiet 2-core machine, and
    # took over 20 s in a CI run while the machine was busy
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/favicon.ico", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("serve did not start")


@contextmanager
def serving(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
    port: int | None = None, log: Path | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``redirection-bot serve --port P ARGS``; yields (base URL, process); stops it after."""
    port = port or free_port()
    # the server's own output (it never holds what a user typed) goes to a file, so that a
    # server that does not start says why in the failure
    out = open(log, "w+b") if log else tempfile.TemporaryFile()  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        cwd=cwd, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_ready(url, proc)
        except RuntimeError as err:
            out.seek(0)
            tail = out.read()[-3000:].decode("utf-8", "replace")
            raise RuntimeError(f"{err} (port {port}; {' '.join(args)}); its output ends:\n{tail}") from None
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        out.close()
