"""Versioned prompt templates (Jinja2) for model-backed agents and judges."""

from __future__ import annotations

from functools import cache
from importlib import resources

import jinja2


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("theralab.prompts", "."),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # plain-text prompts
    )


def render(name: str, **context: object) -> str:
    """Render `name.j2` with the context."""
    return _env().get_template(f"{name}.j2").render(**context).strip()


def version(name: str) -> str:
    """The template's version, from its first line: `{# version: N #}`."""
    first = (resources.files("theralab.prompts") / f"{name}.j2").read_text().splitlines()[0]
    return first.split("version:")[1].strip(" #}") if "version:" in first else "0"
