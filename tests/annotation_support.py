"""Tests written against schema-1 turn annotations read schema 2 through this view: the
typed guard record, usage and stages as the flat keys they used to be, beside any extras."""

from __future__ import annotations

from typing import Any

from theralab.dialogue.records import Annotations


def flat(annotations: Annotations) -> dict[str, Any]:
    out: dict[str, Any] = dict(annotations.model_extra or {})
    guard = annotations.guard
    if guard is not None:
        out.update(
            protocol=guard.protocol,
            guardrail=guard.action,
            risk_categories=list(guard.categories),
        )
        if guard.resources:
            out["resources"] = list(guard.resources)
        if guard.reasons:
            out["guardrail_reasons"] = list(guard.reasons)
    if annotations.usage is not None:
        out["usage"] = annotations.usage.model_dump()
    if annotations.stages is not None:
        out["stages"] = list(annotations.stages)
    return out
