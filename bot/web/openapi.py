"""The OpenAPI 3.1 document of the v1 API, served at ``/api/v1/openapi.json``.

Tests validate every response the API gives against these schemas.
"""

from __future__ import annotations

from typing import Any

from bot.engine import MAX_INPUT_CHARS
from bot.resources import KINDS as RESOURCE_KINDS

__all__ = ["openapi_document"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _errors(*statuses: int) -> dict[str, Any]:
    text = {
        400: "Malformed JSON, invalid UTF-8, wrong types or unknown fields.",
        408: "The body took too long to arrive.",
        409: "A stale seq: the reply answered is not the latest.",
        410: "Unknown, ended or expired session.",
        413: "The body is too large.",
        415: "The body is not application/json.",
        422: "The text is too long.",
        503: "Too many live sessions (busy), or the session store is down.",
    }
    return {str(s): _json("Error", text[s]) for s in statuses}


SCHEMAS: dict[str, Any] = {
    "Message": {
        "type": "object", "required": ["key", "text"],
        "properties": {"key": {"type": "string"}, "text": {"type": "string"}},
    },
    "Option": {
        "type": "object", "required": ["id", "label"],
        "properties": {"id": {"type": "string"}, "label": {"type": "string"}},
    },
    "Resource": {
        "type": "object",
        "required": ["id", "name", "description", "number", "tel", "sms", "url", "country", "kind"],
        "additionalProperties": False,
        "description": "A helpline or service from the resource directory, in the reply's "
                       "language. Show `number` (never wrapped) as a `tel:` link to `tel`.",
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "number": {"type": ["string", "null"], "description": "As people write it."},
            "tel": {"type": ["string", "null"], "description": "Dialable, for a tel: link."},
            "sms": {"type": ["string", "null"]},
            "url": {"type": ["string", "null"]},
            "country": {"type": ["string", "null"], "description": "ISO 3166 code; null: any."},
            "kind": {"enum": list(RESOURCE_KINDS)},
        },
    },
    "HelpEntry": {
        "type": "object", "required": ["id", "name", "kind", "text"],
        "description": "An error's help: first the emergency advice (kind `advice`), then the "
                       "same resources as the help page; `text` is the line to show.",
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"},
            "description": {"type": "string"},
            "number": {"type": ["string", "null"]}, "tel": {"type": ["string", "null"]},
            "sms": {"type": ["string", "null"]}, "url": {"type": ["string", "null"]},
            "country": {"type": ["string", "null"]},
            "kind": {"enum": ["advice", *RESOURCE_KINDS]}, "text": {"type": "string"},
        },
    },
    "Reply": {
        "type": "object",
        "required": [
            "session", "seq", "locale", "messages", "options", "input", "ended", "resources",
        ],
        "properties": {
            "session": {"type": "string", "description": "The token; send it in bodies only."},
            "seq": {"type": "integer", "minimum": 0, "description": "Send it with the answer."},
            "locale": {"type": "string"},
            "messages": {"type": "array", "items": _ref("Message")},
            "options": {"type": "array", "items": _ref("Option")},
            "input": {"enum": ["choice", "text", "choice_or_text", "none"]},
            "ended": {"type": "boolean"},
            "flow": {"type": "string"},
            "state": {"type": "string"},
            "screened": {"type": "array", "items": {"type": "string"}},
            "max_text": {"type": "integer"},
            "resources": {
                "type": "array", "items": _ref("Resource"),
                "description": "Helplines to show with this reply: every reply of a crisis "
                               "path (its first one before any question), help, the check-in.",
            },
            "plan": {
                "type": "boolean",
                "description": "True once the person's plan holds an answer of their own: offer "
                               "\"Save or print my plan\" (POST /api/v1/plan or the /plan form).",
            },
        },
    },
    "Error": {
        "type": "object", "required": ["error", "help"],
        "properties": {
            "error": {
                "type": "object", "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            },
            "help": {"type": "array", "minItems": 1, "items": _ref("HelpEntry")},
            "locale": {"type": "string"},
        },
    },
    "StartRequest": {
        "type": "object", "additionalProperties": False,
        "properties": {"locale": {"type": "string", "default": "en"}},
    },
    "TurnRequest": {
        "type": "object", "additionalProperties": False, "required": ["session", "seq"],
        "properties": {
            "session": {"type": "string"},
            "seq": {"type": "integer", "minimum": 0},
            "choice": {"type": "string"},
            "text": {"type": "string", "maxLength": MAX_INPUT_CHARS},
            "command": {"enum": ["help", "menu", "end"]},
        },
        "oneOf": [{"required": ["choice"]}, {"required": ["text"]}, {"required": ["command"]}],
    },
    "PlanRequest": {
        "type": "object", "additionalProperties": False, "required": ["session"],
        "properties": {"session": {"type": "string"}},
    },
    "EndRequest": {
        "type": "object", "additionalProperties": False, "required": ["session"],
        "properties": {"session": {"type": "string"}},
    },
}


def _post(summary: str, request: str, ok: dict[str, Any], *errors: int) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "requestBody": {
                "required": True, "content": {"application/json": {"schema": _ref(request)}},
            },
            "responses": {**ok, **_errors(*errors)},
        }
    }


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "redirection-bot chat API",
            "version": "1",
            "description": "No cookies; the session token travels only in request and response "
            "bodies. Every error carries crisis resources in `help`.",
        },
        "paths": {
            "/api/v1/start": _post(
                "Start a conversation", "StartRequest",
                {"201": _json("Reply", "The first reply and the session token.")},
                400, 408, 413, 415, 503,
            ),
            "/api/v1/turn": _post(
                "Answer the latest reply (idempotent by seq)", "TurnRequest",
                {"200": _json("Reply", "The next reply; a repeat of a seq gets the same one.")},
                400, 408, 409, 410, 413, 415, 422, 503,
            ),
            "/api/v1/plan": _post(
                "The person's plan alone, as a printable HTML page (built now, never stored)",
                "PlanRequest",
                {"200": {
                    "description": "The plan grouped (reasons; warning signs and triggers; what "
                                   "to do when an urge comes; people and services; next step), "
                                   "without the conversation or any control.",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                }},
                400, 408, 410, 413, 415, 503,
            ),
            "/api/v1/end": _post(
                "End a conversation and forget it", "EndRequest",
                {"204": {"description": "Everything about the session is gone."}},
                400, 408, 413, 415, 503,
            ),
        },
        "components": {"schemas": SCHEMAS},
    }
