"""Rubrics as versioned data files: CTRS, PANAS, WAI, MITI globals, CPsyCounE, preference
principles and binary safety checks built in; users add their own YAML in the same format."""

from theralab.rubrics.library import (
    builtin_rubrics,
    get_rubric,
    load_rubric,
    parse_rubric,
    resolve_rubrics,
)
from theralab.rubrics.model import Item, Rubric, Scale

__all__ = [
    "Item",
    "Rubric",
    "Scale",
    "builtin_rubrics",
    "get_rubric",
    "load_rubric",
    "parse_rubric",
    "resolve_rubrics",
]
