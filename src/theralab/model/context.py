"""What `Model` learns about an endpoint while it runs, and fitting prompts to a context window.

An endpoint (base URL plus model) is asked once how it takes a JSON schema: OpenAI's
`json_schema` form, then llama.cpp's `json_object` with a schema, then the schema spelled out
in the prompt; the first form it accepts is used by every later call from any role. A window
the server names in a "context length exceeded" error is remembered the same way.

Prompts are fitted with a cheap estimate: characters / 3.5 (a little over what real tokenizers
give for English), lowered for an endpoint whose reported prompt tokens show a denser
tokenizer. Every system message and the latest message stay; the oldest turns in between are
dropped and the first system message says so.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from theralab.model.types import ChatMessage

CHARS_PER_TOKEN = 3.5
MESSAGE_OVERHEAD = 4  # role and separator tokens of a chat template
OMITTED = "[earlier turns omitted]"
SCHEMA_MODES = ("json_schema", "json_object", "prompt")


@dataclass
class Endpoint:
    schema_mode: str | None = None  # None: the provider's own default
    announced: bool = False
    context_window: int | None = None  # as the server stated it in an error
    chars_per_token: float = CHARS_PER_TOKEN  # lowered by what the server reports
    window_warned: bool = False  # "the window is too small for the prompt" said once

    def calibrate(self, chars: int, tokens: int) -> None:
        """Learn from a prompt of `chars` characters that the server counted as `tokens`."""
        if tokens > 0 and chars > 200:
            self.chars_per_token = max(0.5, min(self.chars_per_token, chars / tokens))


_ENDPOINTS: dict[str, Endpoint] = {}
_LOCK = threading.Lock()


def endpoint(key: str) -> Endpoint:
    with _LOCK:
        return _ENDPOINTS.setdefault(key, Endpoint())


def forget_endpoints() -> None:
    """Forget every endpoint learnt so far (for tests)."""
    with _LOCK:
        _ENDPOINTS.clear()


def next_schema_mode(mode: str) -> str | None:
    index = SCHEMA_MODES.index(mode)
    return SCHEMA_MODES[index + 1] if index + 1 < len(SCHEMA_MODES) else None


def message_tokens(message: ChatMessage, chars_per_token: float = CHARS_PER_TOKEN) -> int:
    return MESSAGE_OVERHEAD + math.ceil(len(message.content) / chars_per_token)


def estimate_tokens(
    messages: Sequence[ChatMessage], chars_per_token: float = CHARS_PER_TOKEN
) -> int:
    return 3 + sum(message_tokens(m, chars_per_token) for m in messages)


def reserve_for(window: int, max_tokens: int | None) -> int:
    """Tokens kept free for the answer (max_tokens, or a quarter of the window up to 1,024)
    plus a margin for the estimate's error."""
    answer = max_tokens if max_tokens is not None else min(1024, window // 4)
    return answer + window // 20


def fit_messages(
    messages: Sequence[ChatMessage],
    budget: float,
    max_kept: int | None = None,
    chars_per_token: float = CHARS_PER_TOKEN,
) -> tuple[list[ChatMessage], int]:
    """The messages within `budget` estimated tokens, and how many turns were kept.

    System messages (instructions, plan, notes) and the last message always stay; of the
    other turns the most recent are kept while they fit (and at most `max_kept` of them).
    When turns are dropped the first system message ends with a one-line note saying so.
    """
    last = len(messages) - 1
    pinned = {i for i, m in enumerate(messages) if m.role == "system" or i == last}
    turns = [i for i in range(len(messages)) if i not in pinned]
    cpt = chars_per_token
    if (max_kept is None or max_kept >= len(turns)) and estimate_tokens(messages, cpt) <= budget:
        return list(messages), len(turns)
    cost = estimate_tokens([messages[i] for i in sorted(pinned)], cpt) + math.ceil(
        (len(OMITTED) + 2) / cpt
    )
    kept: set[int] = set()
    for i in reversed(turns):
        if max_kept is not None and len(kept) >= max_kept:
            break
        cost += message_tokens(messages[i], cpt)
        if cost > budget:
            break
        kept.add(i)
    if len(kept) == len(turns):
        return list(messages), len(turns)
    out: list[ChatMessage] = []
    noted = False
    for i, m in enumerate(messages):
        if i not in pinned and i not in kept:
            continue
        if not noted and m.role == "system":
            m = ChatMessage(role="system", content=f"{m.content.rstrip()}\n\n{OMITTED}")
            noted = True
        elif not noted and i in kept | {last}:
            out.append(ChatMessage(role="user", content=OMITTED))
            noted = True
        out.append(m)
    return out, len(kept)
