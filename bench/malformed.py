"""The hostile corpus: requests that aiohttp's parser refuses before any route runs, each as the
raw bytes a client sends. Shared by ``tests/web/test_hostile.py`` and ``bench/hostile.py``."""

from __future__ import annotations

__all__ = ["MALFORMED", "request"]

_CANARY = "zq-canary-7f3e"


def request(path: str, head: str, body: bytes = b"") -> bytes:
    return f"POST {path} HTTP/1.1\r\nHost: x\r\n{head}\r\n".encode() + body


def _kinds(path: str) -> dict[str, bytes]:
    json = b'{"locale": "en"}'
    return {
        "garbage request line": f"GARBAGE {_CANARY}\r\n\r\n".encode()
        if not path.startswith("/api/") else f"G\x01T {path} HTTP/1.1\r\n\r\n".encode(),
        "bad method characters": f"G@T {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
        "unknown HTTP version": f"POST {path} HTTP/7.3\r\nHost: x\r\n\r\n".encode(),
        "request target over 8 KB": f"GET {path}?q={'a' * 9000} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
        "header over 8 KB": request(path, f"X-Long: {'a' * 9000}\r\n"),
        "header without a colon": request(path, f"NoColon {_CANARY}\r\n"),
        "NUL in a header": request(path, f"X-Bad: a\x00{_CANARY}\r\n"),
        "space before the colon": request(path, "Content-Type : application/json\r\n"),
        "folded header line": request(path, "X-A: a\r\n folded\r\n"),
        "Content-Length with Transfer-Encoding": request(
            path, "Content-Type: application/json\r\nContent-Length: 16\r\n"
            "Transfer-Encoding: chunked\r\n", b"10\r\n" + json + b"\r\n0\r\n\r\n"),
        "bad chunk size": request(
            path, "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
            b"zz\r\n" + json + b"\r\n0\r\n\r\n"),
        "chunked not the last Transfer-Encoding": request(
            path, "Content-Type: application/json\r\nTransfer-Encoding: chunked, gzip\r\n",
            b"10\r\n" + json + b"\r\n0\r\n\r\n"),
        "two different Content-Lengths": request(
            path, "Content-Type: application/json\r\nContent-Length: 16\r\nContent-Length: 3\r\n",
            json),
        "Content-Length not a number": request(
            path, "Content-Type: application/json\r\nContent-Length: 1e3\r\n", json),
        "negative Content-Length": request(
            path, "Content-Type: application/json\r\nContent-Length: -16\r\n", json),
        "LF-only line ends": f"POST {path} HTTP/1.1\nHost: x\nContent-Length: 0\n\n".encode(),
    }


MALFORMED = _kinds
"""``MALFORMED(path)``: kind -> raw request bytes aimed at ``path``."""
