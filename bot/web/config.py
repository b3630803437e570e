"""What a deployment can set: where sessions live, how long they last, who may embed the chat."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["WebConfig"]


@dataclass(frozen=True, slots=True)
class WebConfig:
    store: str = "memory"
    """``memory`` or a ``redis://`` URL."""
    idle_timeout: float = 30 * 60
    """Seconds without a turn after which a session is deleted."""
    max_sessions: int = 10_000
    """Live sessions at most; past it a first answer gets "busy" with the resources (``start``
    stores nothing, so conversations in progress keep their places)."""
    fresh_timeout: float = 10 * 60
    """Seconds after ``start`` within which the welcome can be answered (nothing is stored
    until then)."""
    frame_ancestors: tuple[str, ...] = ("'self'",)
    """Origins allowed to embed the chat page (the widget's host sites), CSP syntax."""
    allow_persistent_store: bool = False
    """Accept a Redis that saves to disk (RDB or AOF). Off: such a Redis is refused."""
    client_max_size: int = 64 * 1024
    body_timeout: float = 10.0
    """Seconds a client may take to send its request body."""
    head_timeout: float = 10.0
    """Seconds a new connection may take to send its first request head."""
    sweep_interval: float = 30.0
    max_connections: int = 4096
    """Open connections at most (within the open-file limit); past it the oldest connection
    that never sent a request is closed to make room, so idle sockets cannot lock people out."""
