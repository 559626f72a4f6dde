"""External counselors: a team's own bot, named `ext:PATH.yaml`, evaluated like a built-in one.

The YAML file says how to reach the bot (`kind`):

- `openai-chat`: an OpenAI-compatible chat endpoint, treated as a black box. TheraLab sends the
  conversation only (with the bot's own `system_prompt` if the file gives one, never one of
  TheraLab's) as plain chat calls: no JSON schema, no planning step.
- `python`: `function: module:function` (sync or async), called with the conversation as
  `Utterance` records (and `conversation_id=` if it takes one); it returns the reply text.
- `http`: any JSON API: `url`, `headers` (with `${ENV}` secrets), a `body` template with
  `{{ message }}`, `{{ conversation_id }}`, `{{ turn }}` and `{{ history }}`, the reply's
  `reply_path`, and `stateful` (the bot keeps the conversation by id) or not. With
  `stream: sse` the bot answers with server-sent events: `delta_path` finds the text in each
  event, the pieces are joined, and a `done_marker` event (default `[DONE]`) ends the reply.

`${NAME}` in a URL or a header is read from the environment when the bot is called;
`${NAME:-default}` falls back to `default` when NAME is unset or empty.

Every kind is a `ModelAPI` behind the package's one `Model` wrapper, so timeouts, retries,
per-endpoint concurrency and usage come from there. A file is validated in full — kind, keys,
values, environment variables, the Python function — before any session starts; every problem
names the file, the line and the field.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import importlib
import inspect
import json
import os
import re
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from theralab.agents import Reply, Utterance
from theralab.dialogue.records import AgentSpec, Annotations, Speaker
from theralab.errors import InputError
from theralab.model.errors import ErrorKind, ModelError
from theralab.model.types import ChatMessage, GenerateConfig, ModelOutput
from theralab.yamlfiles import LocatedError, parse_yaml_model

EXT_PREFIX = "ext:"
KINDS = ("openai-chat", "python", "http")
DEFAULT_GREETING = "Hello, I'm here to listen. What would you like to talk about today?"
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]+)\s*\}\}")
PLACEHOLDERS = ("message", "conversation_id", "turn", "history")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

# The conversation a call belongs to (for stateful bots); set by the agent around each call.
CONVERSATION_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "theralab_conversation_id", default=None
)


# --- the YAML file ---------------------------------------------------------------------------


class _Kind(BaseModel):
    model_config = ConfigDict(extra="allow")

    kind: Literal["openai-chat", "python", "http"]


class _Common(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str
    name: str | None = Field(
        default=None, description="Label in reports (default: the file's stem)."
    )
    description: str | None = None
    greeting: str | None = Field(
        default=DEFAULT_GREETING,
        description="The bot's opening line (not a call); null asks the bot with no messages.",
    )
    timeout: float | None = Field(default=None, gt=0, description="Seconds per call.")
    max_retries: int | None = Field(default=None, ge=0)
    max_connections: int | None = Field(default=None, ge=1)
    cache: bool = Field(default=False, description="Cache replies (same conversation → same).")

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str | None) -> str | None:
        if value is not None and not _NAME.match(value):
            raise ValueError("use letters, digits, '.', '_' or '-' (no spaces), e.g. my-bot")
        return value


def _missing_env(text: str) -> list[str]:
    """The variables `text` names that are unset and have no `:-default`."""
    return [
        m.group(1)
        for m in _ENV.finditer(text)
        if m.group(2) is None and m.group(1) not in os.environ
    ]


def expand_env(text: str) -> str:
    """`${NAME}` and `${NAME:-default}` from the environment (check `_missing_env` first)."""

    def one(m: re.Match[str]) -> str:
        value = os.environ.get(m.group(1), "")
        return value if value or m.group(2) is None else m.group(2)

    return _ENV.sub(one, text)


def _check_url(value: str) -> str:
    """A URL that may name environment variables: every one set (or defaulted), and http(s)
    once expanded."""
    if missing := _missing_env(value):
        raise ValueError(f"the environment variable {missing[0]} is not set")
    if not re.match(r"^https?://[^\s/]+", expand_env(value)):
        raise ValueError("expected an http:// or https:// URL, e.g. http://127.0.0.1:8080/v1")
    return value


def _check_path(value: str | None) -> str | None:
    if value is not None and any(not part for part in value.split(".")):
        raise ValueError("expected a dotted path such as data.reply or choices.0.text")
    return value


class OpenAIChatBot(_Common):
    kind: Literal["openai-chat"]
    base_url: str = Field(
        description="The endpoint, e.g. http://127.0.0.1:8080/v1 (may name ${ENV} variables)."
    )
    model: str = Field(min_length=1)
    system_prompt: str | None = None
    api_key_env: str | None = Field(
        default=None, description="Environment variable holding the API key."
    )
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1)

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_url(value).rstrip("/")

    @field_validator("api_key_env")
    @classmethod
    def _key_set(cls, value: str | None) -> str | None:
        if value is not None and value not in os.environ:
            raise ValueError(f"the environment variable {value} is not set")
        return value

    def endpoint(self) -> str:
        return f"{self.base_url}, model {self.model}"


class PythonBot(_Common):
    kind: Literal["python"]
    function: str = Field(description="module:function, sync or async")
    path: str | None = Field(
        default=None, description="A folder added to the import path (relative to this file)."
    )

    @field_validator("function")
    @classmethod
    def _dotted(cls, value: str) -> str:
        if not re.match(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$", value):
            raise ValueError("expected module:function, e.g. mybot.chat:reply")
        return value

    def endpoint(self) -> str:
        return f"python {self.function}"


class HttpBot(_Common):
    kind: Literal["http"]
    url: str
    headers: dict[str, str] = Field(default_factory=dict)
    body: dict[str, Any] = Field(description="JSON body template with {{ placeholders }}.")
    reply_path: str | None = Field(
        default=None, min_length=1, description="Where the reply is, e.g. data.reply"
    )
    stateful: bool = Field(
        default=False,
        description="The bot keeps the conversation by id (send the latest message only).",
    )
    stream: Literal["sse"] | None = Field(
        default=None, description="sse: the bot answers with server-sent events."
    )
    delta_path: str | None = Field(
        default=None,
        min_length=1,
        description="With stream: sse, where each event's piece of the reply is.",
    )
    done_marker: str | None = Field(
        default=None,
        min_length=1,
        description="With stream: sse, the event data that ends the reply (default [DONE]).",
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_url(value)

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str]) -> dict[str, str]:
        for key, text in value.items():
            if missing := _missing_env(text):
                raise LocatedError(f"the environment variable {missing[0]} is not set", (key,))
        return value

    @field_validator("body")
    @classmethod
    def _template(cls, value: dict[str, Any]) -> dict[str, Any]:
        def walk(node: Any, loc: tuple[str | int, ...]) -> None:
            if isinstance(node, dict):
                for k, v in node.items():
                    walk(v, (*loc, k))
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, (*loc, i))
            elif isinstance(node, str):
                for name in _PLACEHOLDER.findall(node):
                    if name not in PLACEHOLDERS:
                        raise LocatedError(
                            f"unknown placeholder {{{{ {name} }}}}; use one of "
                            + ", ".join(PLACEHOLDERS),
                            loc,
                        )
                if "history" in _PLACEHOLDER.findall(node) and not _whole(node, "history"):
                    raise LocatedError("{{ history }} must be a value of its own (a list)", loc)

        walk(value, ())
        return value

    @field_validator("reply_path", "delta_path")
    @classmethod
    def _path(cls, value: str | None) -> str | None:
        return _check_path(value)

    @model_validator(mode="after")
    def _state(self) -> HttpBot:
        used = set(_PLACEHOLDER.findall(json.dumps(self.body)))
        if self.stateful and "conversation_id" not in used:
            raise LocatedError(
                "a stateful bot needs {{ conversation_id }} in the body (or set stateful: false)",
                ("body",),
            )
        if not self.stateful and "history" not in used:
            raise LocatedError(
                "a stateless bot needs {{ history }} in the body (or set stateful: true)",
                ("body",),
            )
        if self.stateful and self.cache:
            raise LocatedError("a stateful bot cannot be cached", ("cache",))
        if self.stream is None:
            for key in ("delta_path", "done_marker"):
                if getattr(self, key) is not None:
                    raise LocatedError(f"{key} is for streamed replies: add stream: sse", (key,))
            if self.reply_path is None:
                raise LocatedError(
                    "Field required: where the reply is in the response JSON, e.g. data.reply "
                    "(or stream: sse with delta_path for a streamed reply)",
                    ("reply_path",),
                )
        else:
            if self.reply_path is not None:
                raise LocatedError(
                    "a streamed reply is joined from its events: use delta_path (the text in "
                    "each event) instead of reply_path",
                    ("reply_path",),
                )
            if self.delta_path is None:
                raise LocatedError(
                    "stream: sse needs delta_path, where each event's piece of the reply is "
                    "(e.g. choices.0.delta.content)",
                    ("stream",),
                )
        return self

    @property
    def done(self) -> str:
        return self.done_marker or "[DONE]"

    def endpoint(self) -> str:
        return self.url


ExternalBotConfig = OpenAIChatBot | PythonBot | HttpBot
_MODELS: dict[str, type[_Common]] = {
    "openai-chat": OpenAIChatBot,
    "python": PythonBot,
    "http": HttpBot,
}


def _whole(text: str, name: str) -> bool:
    m = _PLACEHOLDER.fullmatch(text.strip())
    return bool(m and m.group(1) == name)


def _key_line(text: str, key: str | None) -> int:
    """The line of a top-level key (or of the first key) in a YAML file, for errors pydantic
    cannot place (a missing key, a check made after parsing)."""
    first = None
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped == "---":
            continue
        first = first or n
        if key and re.match(rf"^{re.escape(key)}\s*:", line):
            return n
    return first or 1


class ExternalBot(BaseModel):
    """A loaded external counselor: its validated configuration and where it came from."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    source: str
    label: str
    config: OpenAIChatBot | PythonBot | HttpBot

    @property
    def kind(self) -> str:
        return self.config.kind

    def endpoint(self) -> str:
        return self.config.endpoint()


@functools.lru_cache(maxsize=64)
def _load(path: str, version: tuple[int, int]) -> ExternalBot:
    del version  # (mtime, size): part of the cache key only, so an edited file is read again
    p = Path(path)
    text = _decode(p)
    try:
        kind = parse_yaml_model(text, _Kind, source=path, what="counselor file").kind
        config = parse_yaml_model(text, _MODELS[kind], source=path, what="counselor file")
    except InputError as exc:
        if exc.line is None:
            top = exc.field.split(".")[0] if exc.field else None
            line = _key_line(text, top)
            raise InputError(exc.message, source=path, line=line, field=exc.field) from None
        raise
    if isinstance(config, PythonBot):
        try:
            resolve_function(config, p.parent)
        except (ImportError, AttributeError, TypeError) as exc:
            raise InputError(
                f"cannot load {config.function}: {exc}",
                source=path,
                line=_key_line(text, "function"),
                field="function",
            ) from exc
    return ExternalBot(source=path, label=config.name or p.stem, config=config)  # type: ignore[arg-type]


def _decode(p: Path) -> str:
    """A bot file's text: UTF-8 (a UTF-8 byte-order mark is fine); anything else is an
    InputError naming the file, the line and the byte (a file saved as Latin-1 or UTF-16)."""
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read counselor file: {exc.strerror}", source=str(p)) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            "not UTF-8 text: the file is saved as UTF-16 (it starts with a UTF-16 byte-order "
            "mark); save it as UTF-8",
            source=str(p),
            line=1,
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw[:start].count(b"\n") + 1
        column = start - (raw.rfind(b"\n", 0, start) + 1) + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{raw[start]:02x} at line {line}, column {column}); "
            "save the file as UTF-8",
            source=str(p),
            line=line,
        ) from None


def load_external(path: str | Path) -> ExternalBot:
    """Read and validate an external counselor file; errors name file, line and field."""
    p = Path(path)
    if p.suffix.lower() not in (".yaml", ".yml"):
        raise InputError("an external counselor is a YAML file: ext:PATH.yaml", source=str(p))
    try:
        stat = p.stat()
    except OSError as exc:
        raise InputError(f"cannot read counselor file: {exc.strerror}", source=str(p)) from exc
    return _load(str(p), (stat.st_mtime_ns, stat.st_size))


def resolve_function(config: PythonBot, base: Path) -> Callable[..., Any]:
    module_name, _, attr = config.function.partition(":")
    module = None
    if config.path is not None:
        folder = (base / config.path).resolve()
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))  # the bot's own imports of its sibling modules
        module = _module_in(folder, module_name)
    fn = getattr(module or importlib.import_module(module_name), attr)
    if not callable(fn):
        raise TypeError(f"{config.function} is not callable")
    return fn  # type: ignore[no-any-return]


def _module_in(folder: Path, name: str) -> Any:
    """The module `name` as its file in `folder` (None when it is not there): two bots' files in
    different folders may both name `bot:reply`, and each must run its own `bot.py`, never the
    module of that name another bot (or anything else) imported first."""
    import hashlib
    import importlib.util

    stem = folder.joinpath(*name.split("."))
    file = stem / "__init__.py" if stem.is_dir() else stem.with_suffix(".py")
    if not file.is_file():
        return None
    loaded = sys.modules.get(name)
    if loaded is not None and Path(getattr(loaded, "__file__", "") or "").resolve() == file:
        return loaded
    digest = hashlib.sha1(str(file).encode()).hexdigest()[:12]
    key = f"theralab_ext_{digest}_{name.replace('.', '_')}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(
        key, file, submodule_search_locations=[str(stem)] if file.name == "__init__.py" else None
    )
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[key]
        raise
    return module


# --- the providers (single calls; Model does the rest) ------------------------------------------


def _history(messages: Sequence[ChatMessage]) -> list[Utterance]:
    return [
        Utterance(Speaker.COUNSELOR if m.role == "assistant" else Speaker.CLIENT, m.content)
        for m in messages
        if m.role != "system"
    ]


class PythonBotAPI:
    """Calls `module:function` in process; any exception is the bot's failure (not retried)."""

    provider = "python"
    native_json_schema = False

    def __init__(self, bot: ExternalBot) -> None:
        assert isinstance(bot.config, PythonBot)
        self.model_name = bot.config.function
        self.fn = resolve_function(bot.config, Path(bot.source).parent)
        try:
            params = inspect.signature(self.fn).parameters
        except (TypeError, ValueError):
            params = {}  # type: ignore[assignment]
        self.takes_id = "conversation_id" in params or any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
        )

    @property
    def connection_key(self) -> str:
        return f"python:{self.model_name}"

    async def generate(
        self, messages: Sequence[ChatMessage], config: GenerateConfig
    ) -> ModelOutput:
        history = tuple(_history(messages))
        kwargs = {"conversation_id": CONVERSATION_ID.get()} if self.takes_id else {}
        try:
            if inspect.iscoroutinefunction(self.fn):
                value = await self.fn(history, **kwargs)
            else:
                value = await asyncio.to_thread(self.fn, history, **kwargs)
                if inspect.isawaitable(value):
                    value = await value
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"{type(exc).__name__}: {exc}", ErrorKind.FATAL) from exc
        if not isinstance(value, str):
            raise ModelError(
                f"{self.model_name} returned {type(value).__name__}, expected the reply text",
                ErrorKind.FATAL,
            )
        return ModelOutput(text=value, provider=self.provider, model=self.model_name)

    async def aclose(self) -> None:
        return None


class HttpBotAPI:
    """One POST per turn to a JSON API, the body rendered from the file's template; the reply
    is read from the response JSON, or joined from its server-sent events (`stream: sse`)."""

    provider = "http"
    native_json_schema = False

    def __init__(self, bot: ExternalBot, client: httpx.AsyncClient | None = None) -> None:
        assert isinstance(bot.config, HttpBot)
        self.config = bot.config
        self.source = bot.source
        self.model_name = bot.label
        self.url = expand_env(bot.config.url)
        # errors (kept in transcripts and results) name the URL as written, never with the
        # values of its ${VARIABLES}, which may be secrets
        self.shown_url = bot.config.url
        self._client = client

    @property
    def connection_key(self) -> str:
        return self.url

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            from theralab.model.providers.openai_compat import pooled_client

            self._client = pooled_client()
        return self._client

    def render(self, messages: Sequence[ChatMessage]) -> Any:
        history = [m for m in messages if m.role != "system"]
        values: dict[str, Any] = {
            "message": history[-1].content if history and history[-1].role == "user" else "",
            "conversation_id": CONVERSATION_ID.get() or "",
            "turn": sum(m.role == "user" for m in history),
            "history": [{"role": m.role, "content": m.content} for m in history],
        }

        def fill(node: Any) -> Any:
            if isinstance(node, dict):
                return {k: fill(v) for k, v in node.items()}
            if isinstance(node, list):
                return [fill(v) for v in node]
            if isinstance(node, str):
                if _whole(node, "history"):
                    return values["history"]
                m = _PLACEHOLDER.fullmatch(node.strip())
                if m and m.group(1) == "turn":
                    return values["turn"]
                return _PLACEHOLDER.sub(lambda x: str(values[x.group(1)]), node)
            return node

        return fill(self.config.body)

    def _fault(self, key: str, message: str, raw: str | None = None) -> ModelError:
        """A reply the file's `key` cannot read: the bot's failure, not retried, naming the
        file and the field."""
        return ModelError(f"{self.source}, field {key!r}: {message}", ErrorKind.FATAL, raw=raw)

    async def generate(
        self, messages: Sequence[ChatMessage], config: GenerateConfig
    ) -> ModelOutput:
        from theralab.model.providers.openai_compat import _classify

        headers = {k: expand_env(v) for k, v in self.config.headers.items()}
        body = self.render(messages)
        if self.config.stream == "sse":
            if not any(k.lower() == "accept" for k in headers):
                headers["Accept"] = "text/event-stream"
            text = await self._streamed(body, headers)
            return ModelOutput(text=text, provider=self.provider, model=self.model_name)
        try:
            response = await self.client.post(self.url, json=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise ModelError(f"timed out talking to {self.shown_url}", ErrorKind.TRANSIENT) from exc
        except httpx.TransportError as exc:
            raise ModelError(f"cannot reach {self.shown_url}: {exc}", ErrorKind.TRANSIENT) from exc
        if response.status_code >= 300:
            raise _classify(response)
        try:
            data = response.json()
        except ValueError as exc:
            raise ModelError(
                "the reply is not JSON", ErrorKind.TRANSIENT, raw=response.text[:500]
            ) from exc
        assert self.config.reply_path is not None  # validated: JSON replies have one
        text = find_path(data, self.config.reply_path)
        if not isinstance(text, str):
            raise self._fault(
                "reply_path",
                f"{self.config.reply_path!r} found "
                + ("nothing" if text is None else f"a {type(text).__name__}, not text,")
                + " in the response",
                raw=response.text[:500],
            )
        return ModelOutput(text=text, provider=self.provider, model=self.model_name)

    async def _streamed(self, body: Any, headers: dict[str, str]) -> str:
        """POST, then read server-sent events until the done marker (or the end of the
        stream), joining the text `delta_path` finds in each event."""
        from theralab.model.providers.openai_compat import _classify

        try:
            async with self.client.stream("POST", self.url, json=body, headers=headers) as response:
                if response.status_code >= 300:
                    await response.aread()
                    raise _classify(response)
                kind = response.headers.get("content-type", "")
                if kind.split(";")[0].strip().lower() != "text/event-stream":
                    await response.aread()
                    raise self._fault(
                        "stream",
                        "stream: sse expects a text/event-stream reply, got "
                        + (kind or "no content type"),
                        raw=response.text[:500],
                    )
                return self._join(await _sse_events(response.aiter_lines(), self.config.done))
        except httpx.TimeoutException as exc:
            raise ModelError(f"timed out talking to {self.shown_url}", ErrorKind.TRANSIENT) from exc
        except httpx.TransportError as exc:
            raise ModelError(f"cannot reach {self.shown_url}: {exc}", ErrorKind.TRANSIENT) from exc

    def _join(self, events: list[str]) -> str:
        path = self.config.delta_path
        assert path is not None  # validated: stream: sse has one
        if not events:
            raise self._fault("stream", "the reply had no server-sent events (no data lines)")
        pieces: list[str] = []
        not_json = 0
        for n, data in enumerate(events, start=1):
            try:
                event = json.loads(data)
            except ValueError:
                not_json += 1
                continue
            piece = find_path(event, path)
            if isinstance(piece, str):
                pieces.append(piece)
            elif piece is not None:
                raise self._fault(
                    "delta_path",
                    f"{path!r} found a {type(piece).__name__}, not text, in event {n}",
                    raw=data[:500],
                )
        if not pieces:
            detail = f" ({not_json} not JSON)" if not_json else ""
            raise self._fault(
                "delta_path",
                f"{path!r} found nothing in any of the {len(events)} event(s){detail}",
                raw="\n".join(events)[:500],
            )
        return "".join(pieces)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


async def _sse_events(lines: AsyncIterator[str], done: str) -> list[str]:
    """The data of each server-sent event, up to the one whose data is `done`: `data:` lines
    joined with newlines, an event ended by a blank line; comments, `event:`, `id:` and
    `retry:` fields are skipped."""
    events: list[str] = []
    data: list[str] | None = None
    async for line in lines:
        if not line:
            if data is not None:
                if "\n".join(data).strip() == done:
                    return events
                events.append("\n".join(data))
            data = None
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        if name == "data":
            data = [*(data or []), value.removeprefix(" ")]
    if data is not None and "\n".join(data).strip() != done:
        events.append("\n".join(data))
    return events


def find_path(data: Any, path: str) -> Any:
    """`a.b.0.c` in parsed JSON; None when any step is missing."""
    node = data
    for part in path.removeprefix("$.").split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif (
            isinstance(node, list)
            and part.lstrip("-").isdigit()
            and -len(node) <= int(part) < len(node)
        ):
            node = node[int(part)]
        else:
            return None
    return node


def external_api(bot: ExternalBot) -> Any:
    """The `ModelAPI` that reaches this bot."""
    config = bot.config
    if isinstance(config, OpenAIChatBot):
        from theralab.model.providers.openai_compat import OpenAICompatible

        key = os.environ[config.api_key_env] if config.api_key_env else "not-needed"
        # An explicit key: the user's OPENAI_API_KEY is never sent to a third-party bot.
        return OpenAICompatible(
            "openai", config.model, base_url=expand_env(config.base_url), api_key=key
        )
    if isinstance(config, PythonBot):
        return PythonBotAPI(bot)
    return HttpBotAPI(bot)


# --- the agent -------------------------------------------------------------------------------


class ExternalCounselor:
    """An external bot as a counselor agent. One instance per conversation."""

    def __init__(self, bot: ExternalBot, model: Any, seed: int, label: str | None = None) -> None:
        self.bot = bot
        self.model = model  # theralab.model.Model around external_api(bot)
        self.seed = seed
        self.label = label or bot.label
        self.conversation_id = uuid.uuid4().hex
        config = bot.config
        self.generate_config = GenerateConfig(
            temperature=getattr(config, "temperature", None),
            max_tokens=getattr(config, "max_tokens", None),
        )

    @property
    def spec(self) -> AgentSpec:
        return AgentSpec(
            name=self.label,
            engine=f"external/{self.bot.kind}",
            params={"endpoint": self.bot.endpoint(), "config": self.bot.source},
        )

    def messages(self, history: Sequence[Utterance]) -> list[ChatMessage]:
        out = []
        prompt = getattr(self.bot.config, "system_prompt", None)
        if prompt:
            out.append(ChatMessage(role="system", content=prompt))
        for u in history:
            role = "assistant" if u.speaker is Speaker.COUNSELOR else "user"
            out.append(ChatMessage(role=role, content=u.text))
        return out

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        if not history and self.bot.config.greeting is not None:
            return Reply(text=self.bot.config.greeting, annotations=Annotations(stage="greeting"))
        token = CONVERSATION_ID.set(self.conversation_id)
        try:
            out = await self.model.generate(self.messages(history), self.generate_config)
        finally:
            CONVERSATION_ID.reset(token)
        text = out.text.strip()
        if not text:
            raise ValueError(f"{self.label} returned an empty reply")
        usage = {"input_tokens": out.usage.input_tokens, "output_tokens": out.usage.output_tokens}
        return Reply(text=text, annotations=Annotations(usage=usage))
