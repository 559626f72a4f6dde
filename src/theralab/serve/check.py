"""`theralab serve --check`: validate a configuration and say what will be stored where.

`prepare` is also what `theralab serve` runs once, before any worker starts: it migrates the
database, creates the web UI's key row and the state key file, so workers starting together
never race to do it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from theralab.serve.settings import ServeSettings


@dataclass
class ConfigReport:
    """What `--check` prints: one line per fact, and the problems that stop a start."""

    facts: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Skip(Exception):
    pass


def sqlite_file(url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    from theralab.serve.db import normalise_url

    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database or "").expanduser()


def check_configuration(settings: ServeSettings, *, prepare: bool = True) -> ConfigReport:
    """Open the database (migrating it when `prepare`), read the state keys, and describe
    what the server will keep. Problems are collected, not raised."""
    from theralab.serve.auth import ensure_ui_key
    from theralab.serve.db import (
        current_revision,
        head_revision,
        make_engine,
        migrate,
        redacted_url,
    )
    from theralab.serve.keyring import KEYS_ENV, load_keys
    from theralab.serve.store import Store

    report = ConfigReport()
    add = report.facts.append
    add(("database", redacted_url(settings.db_url)))
    db_file = sqlite_file(settings.db_url)
    try:
        if not prepare and db_file is not None and not db_file.exists():
            add(("schema", f"{db_file} does not exist yet (created on first start)"))
            raise _Skip
        engine = make_engine(settings.db_url)
        try:
            revision = migrate(engine) if prepare else current_revision(engine)
            if prepare:
                ensure_ui_key(Store(engine))
            head = head_revision()
            state = "up to date" if revision == head else f"will migrate to {head} on start"
            add(("schema", f"{revision or 'empty'} ({state})"))
            if engine.dialect.name == "sqlite" and settings.workers > 1:
                add(("sqlite", "WAL, busy timeout 15 s: several workers share one writer"))
        finally:
            engine.dispose()
    except _Skip:
        pass
    except Exception as exc:
        report.problems.append(f"cannot open the database {redacted_url(settings.db_url)}: {exc}")
    try:
        if prepare or os.environ.get(KEYS_ENV, "").strip() or settings.key_file().exists():
            keys = load_keys(settings.key_file())
            add(
                (
                    "state keys",
                    f"{keys.source} ({len(keys.keys)} key(s), newest {keys.fingerprint})",
                )
            )
        else:
            add(("state keys", f"{settings.key_file()} (created 0600 on first start)"))
    except Exception as exc:
        report.problems.append(str(exc))
    if settings.store_text:
        add(("conversation text", "stored readable in the messages table (--store-text)"))
    else:
        add(("conversation text", "not stored: messages keep sizes, risk levels and timings"))
    add(
        (
            "conversation state",
            "encrypted with the state keys after every turn; deleted when the conversation "
            f"ends or after {settings.state_retention_hours:g} h without a message",
        )
    )
    add(
        (
            "memory",
            "content-free summary per user (themes, feeling words, peak risk, notes)"
            if settings.memory
            else "off",
        )
    )
    add(("PII to models", "redacted" if settings.redact_pii else "NOT redacted (--no-redact)"))
    models = ", ".join(settings.counselor_models) or "none (scripted counselors only)"
    add(("models", f"{models}" + (f" at {settings.base_url}" if settings.base_url else "")))
    if settings.counselor_models or settings.client_model:
        add(
            (
                "model calls",
                f"{settings.model_timeout:g} s each, {settings.model_retries} retries: a person "
                f"waits at most ≈ {settings.model_timeout * (settings.model_retries + 1):g} s "
                "before the safe reply",
            )
        )
    add(
        (
            "workers",
            f"{settings.workers}; rate limits are per worker "
            f"({settings.rate_per_minute}/min, burst {settings.burst} each)",
        )
    )
    add(
        (
            "crisis screener",
            f"sensitivity {settings.sensitivity.value}"
            + (
                " (an unsure learned raise gets the safety question first)"
                if settings.sensitivity.asks_first
                else ""
            ),
        )
    )
    add(("logs", f"{settings.log_format}, without conversation content"))
    if settings.host not in ("127.0.0.1", "localhost", "::1"):
        add(("listening", f"{settings.host}:{settings.port} — put TLS in front of it"))
    from theralab.model.api import parse_spec

    for spec in [*settings.counselor_models, *filter(None, [settings.client_model])]:
        try:
            parse_spec(spec)
        except Exception as exc:
            report.problems.append(f"model {spec!r}: {exc}")
    if settings.counselor_models and not settings.base_url:
        add(("note", "no --base-url: each provider's default endpoint is used"))
    return report
