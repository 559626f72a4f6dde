"""A small external support bot for tests, served on 127.0.0.1 only.

It stands in for a team's own chatbot: it has its own system prompt, remembers each
conversation (what the person said first, how many turns there have been), and answers
deterministically. It speaks two protocols:

- `POST /v1/chat/completions`, the OpenAI chat format (stateless: the whole conversation
  each time; the conversation is recognised by its first user message); with
  `"stream": true` in the body it answers with OpenAI-style server-sent events
  (`choices.0.delta.content` pieces, then `data: [DONE]`);
- `POST /api/chat`, a JSON API of its own (stateful: `{"session", "text"}` in,
  `{"data": {"reply"}}` out, an `Authorization` header required);
- `POST /api/stream`, the same stateful API answering with server-sent events: a comment, a
  `meta` event without text, the reply in `{"delta": {"text"}}` pieces (one event's JSON split
  over two `data:` lines), `data: [DONE]`, then one more piece, `AFTER_DONE`, that a reader
  honouring the done marker never sees; `POST /api/stream/empty` sends comments only.

Every request body is kept in `bodies` (and the `Accept` header of each request in `accepts`)
so tests can check what TheraLab sent.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OWN_SYSTEM_PROMPT = "You are Sunny, the support assistant of Example Health."
NAME = OWN_SYSTEM_PROMPT.split(",")[0].removeprefix("You are ")  # its persona, from its prompt
API_KEY = "test-secret-key"
AFTER_DONE = " [sent after the done marker]"


class ExternalBot:
    """`with ExternalBot() as bot:`; `bot.base_url` ends in /v1, `bot.url` is the root."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bodies: list[dict[str, Any]] = []
        self.accepts: list[tuple[str, str | None]] = []  # (path, Accept header)
        self.memory: dict[str, dict[str, Any]] = {}  # conversation → what the bot remembers
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def answer(self, conversation: str, text: str) -> str:
        """The bot's reply: it greets, then reflects and remembers the first thing said."""
        with self.lock:
            mem = self.memory.setdefault(conversation, {"turns": 0, "first": text})
            mem["turns"] += 1
            turn, first = mem["turns"], mem["first"]
        words = " ".join(text.split()[:6]).rstrip(".,!?")
        if turn == 1:
            return (
                f"I'm {NAME}. Thanks for telling me. It sounds like {words} is weighing on you. "
                "What happened?"
            )
        recalled = " ".join(first.split()[:4]).rstrip(".,!?")
        return (
            f"Earlier you said {recalled}. Now you mention {words}. "
            f"How are you feeling about it today (turn {turn})?"
        )

    def start(self) -> ExternalBot:
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with bot.lock:
                    bot.bodies.append({"path": self.path, **body})
                    bot.accepts.append((self.path, self.headers.get("Accept")))
                if self.path == "/v1/chat/completions" and body.get("stream"):
                    self._openai_stream(body)
                elif self.path == "/v1/chat/completions":
                    self._openai(body)
                elif self.path == "/api/stream":
                    reply = bot.answer(body["session"], body["text"])
                    words = reply.split(" ")
                    pieces = [w if i == 0 else " " + w for i, w in enumerate(words)]
                    events = [": the bot is thinking", 'event: meta\ndata: {"type": "start"}']
                    first = json.dumps({"delta": {"text": pieces[0]}})
                    events.append(f"data: {first[:10]}\ndata: {first[10:]}")  # a split event
                    events += [f"data: {json.dumps({'delta': {'text': p}})}" for p in pieces[1:]]
                    events.append("data: [DONE]")
                    events.append(f"data: {json.dumps({'delta': {'text': AFTER_DONE}})}")
                    self._sse(events)
                elif self.path == "/api/stream/empty":
                    self._sse([": nothing to say", ": still nothing"])
                elif self.path == "/api/chat":
                    if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                        self._send(401, {"error": "bad key"})
                        return
                    reply = bot.answer(body["session"], body["text"])
                    self._send(200, {"data": {"reply": reply}})
                else:
                    self._send(404, {"error": "not found"})

            def _openai(self, body: dict[str, Any]) -> None:
                messages = body.get("messages") or []
                users = [m["content"] for m in messages if m.get("role") == "user"]
                if not users:
                    self._send(400, {"error": {"message": "no user message"}})
                    return
                reply = bot.answer(users[0], users[-1])
                self._send(
                    200,
                    {
                        "id": "chatcmpl-test",
                        "object": "chat.completion",
                        "model": body.get("model", "sunny"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": reply},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {"prompt_tokens": 20, "completion_tokens": 12},
                    },
                )

            def _openai_stream(self, body: dict[str, Any]) -> None:
                users = [m["content"] for m in body.get("messages") or [] if m["role"] == "user"]
                reply = bot.answer(users[0], users[-1])
                chunks: list[dict[str, Any]] = [{"role": "assistant"}]
                chunks += [{"content": reply[i : i + 12]} for i in range(0, len(reply), 12)]
                events = []
                for n, delta in enumerate([*chunks, {}]):
                    end = None if delta else "stop"
                    choice = {"index": 0, "delta": delta, "finish_reason": end}
                    chunk = {"id": f"chatcmpl-{n}", "object": "chat.completion.chunk"}
                    events.append(f"data: {json.dumps({**chunk, 'choices': [choice]})}")
                self._sse([*events, "data: [DONE]"])

            def _sse(self, events: list[str]) -> None:
                data = "".join(e + "\n\n" for e in events).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ExternalBot:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
