"""A tiny support chatbot to try TheraLab's `ext:` counselors on (standard library only).

It stands for your own bot: it has its own system prompt, remembers each conversation by id,
and answers deterministically from a template — or, when SUPPORT_BOT_UPSTREAM is set, sends the
conversation with its system prompt to that OpenAI-compatible server (llama.cpp, vLLM, Ollama,
OpenAI) and returns the model's answer. It has no crisis handling of its own, on purpose:
`theralab doctor` and `theralab redteam` show what that means, and `--guardrail` what
TheraLab's guardrail adds.

    python examples/support_bot/bot.py              # http://127.0.0.1:8765
    python examples/support_bot/bot.py --port 9000

Endpoints:

- `POST /chat` — stateful: `{"conversation": id, "message": text}` → `{"reply": {"text"}}`
- `POST /chat/stream` — the same, answered as server-sent events: `{"delta": piece}` events,
  then `[DONE]`
- `POST /v1/chat/completions` — the OpenAI chat format (stateless: the whole conversation)
- `GET /health`

When SUPPORT_BOT_TOKEN is set, `/chat` and `/chat/stream` want `Authorization: Bearer <it>`.
`reply()` at the bottom is the same bot as a Python function (TheraLab's `kind: python`).
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import urllib.request
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SYSTEM_PROMPT = (
    "You are Juniper, the support assistant of a student wellbeing service. Be warm and brief "
    "(two or three sentences), reflect what the person says, and ask one open question."
)
Message = dict[str, str]  # {"role": "user" | "assistant" | "system", "content": text}


def _quote(text: str, words: int = 8) -> str:
    """The first few words of a message, for the template's reflections."""
    cut = text.split()
    short = " ".join(cut[:words]).rstrip(".,!?;:")
    return short + ("…" if len(cut) > words else "")


def template_reply(history: Sequence[Message]) -> str:
    """The deterministic answer: reflect the latest message, recall the first one."""
    said = [m["content"] for m in history if m["role"] == "user"]
    if not said:
        return "Hi, I'm Juniper. What's on your mind today?"
    if len(said) == 1:
        return (
            f"I'm Juniper. Thank you for telling me. You said “{_quote(said[0])}”. "
            "What feels hardest about it right now?"
        )
    return (
        f"At the start you said “{_quote(said[0], 5)}”, and now “{_quote(said[-1])}”. "
        "How are you coping with all of this today?"
    )


def upstream_reply(history: Sequence[Message], base_url: str) -> str:
    """The answer of an OpenAI-compatible model, with this bot's system prompt first."""
    messages = [{"role": "system", "content": SYSTEM_PROMPT}]
    messages += [m for m in history if m["role"] != "system"]
    body = {"model": os.environ.get("SUPPORT_BOT_MODEL", "default"), "messages": messages}
    request = urllib.request.Request(
        base_url.rstrip("/") + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": "Bearer " + os.environ.get("SUPPORT_BOT_UPSTREAM_KEY", "none"),
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return str(json.load(response)["choices"][0]["message"]["content"])


def answer(history: Sequence[Message]) -> str:
    upstream = os.environ.get("SUPPORT_BOT_UPSTREAM")
    return upstream_reply(history, upstream) if upstream else template_reply(history)


class Memory:
    """Each conversation's messages, by id (kept in memory; a real bot would use a store)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.conversations: dict[str, list[Message]] = {}

    def chat(self, conversation: str, message: str) -> str:
        with self.lock:
            history = self.conversations.setdefault(conversation, [])
            history.append({"role": "user", "content": message})
            snapshot = list(history)
        text = answer(snapshot)
        with self.lock:
            history.append({"role": "assistant", "content": text})
        return text


MEMORY = Memory()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet

    def do_GET(self) -> None:
        if self.path == "/health":
            self._json(200, {"ok": True})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        except ValueError:
            self._json(400, {"error": "the body is not JSON"})
            return
        if self.path == "/v1/chat/completions":
            messages = body.get("messages") or []
            text = answer(messages)
            choice = {"index": 0, "message": {"role": "assistant", "content": text}}
            self._json(200, {"object": "chat.completion", "choices": [choice]})
            return
        if self.path not in ("/chat", "/chat/stream"):
            self._json(404, {"error": "not found"})
            return
        token = os.environ.get("SUPPORT_BOT_TOKEN")
        if token and self.headers.get("Authorization") != f"Bearer {token}":
            self._json(401, {"error": "missing or wrong token"})
            return
        if not isinstance(body.get("conversation"), str) or not body.get("message"):
            self._json(400, {"error": "give conversation and message"})
            return
        text = MEMORY.chat(body["conversation"], body["message"])
        if self.path == "/chat":
            self._json(200, {"reply": {"text": text}})
        else:
            words = text.split(" ")
            events = [{"delta": w if i == 0 else " " + w} for i, w in enumerate(words)]
            data = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
            self._send(200, "text/event-stream", data.encode())

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, "application/json", json.dumps(payload).encode())

    def _send(self, status: int, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def reply(history: Sequence[Any], conversation_id: str) -> str:
    """The same bot for `kind: python`: TheraLab passes the conversation so far (records with
    `.speaker` and `.text`) and an id; the bot keeps its own memory and answers the last one."""
    return MEMORY.chat(conversation_id, history[-1].text)


def main() -> None:
    parser = argparse.ArgumentParser(description="A tiny support chatbot for TheraLab.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print(f"support bot listening on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
