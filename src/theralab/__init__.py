"""TheraLab: simulate, evaluate and guard LLM counselors.

The common path in code::

    from theralab import RunConfig, execute_run
    outcome = execute_run(RunConfig(counselors=["cbt", "mi"], clients=12), Path("runs/x"))

Subpackages hold the parts: `profiles`, `dialogue`, `coding`, `clients`, `counselors`,
`simulate` (sessions and courses of sessions), `measures`, `evaluate`, `report`.

The names below are imported when first used (PEP 562), so a command that needs only one part
(`theralab screen` needs the screener, not the simulator or the report) does not pay for the
others at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from theralab.errors import BadValue, InputError, TheraLabError, UnknownName
from theralab.lazy import lazy_names
from theralab.version import __version__

if TYPE_CHECKING:
    from theralab.clients import ScriptedClient
    from theralab.coding import RuleCoder
    from theralab.counselors import make_counselor
    from theralab.dialogue import (
        CourseSlot,
        Session,
        SessionNotes,
        Turn,
        read_sessions,
        write_sessions,
    )
    from theralab.evaluate import CourseResults, Results, evaluate_courses, evaluate_sessions
    from theralab.model import Model
    from theralab.profiles import ClientProfile, builtin_profiles, get_profile
    from theralab.report import render_report, write_report
    from theralab.runs import RunConfig, execute_run
    from theralab.safety import default_screener, guard
    from theralab.simulate import plan_sessions, run_sessions

# public name → the module that defines it
_LAZY = {
    "ScriptedClient": "theralab.clients",
    "RuleCoder": "theralab.coding",
    "make_counselor": "theralab.counselors",
    "CourseSlot": "theralab.dialogue",
    "Session": "theralab.dialogue",
    "SessionNotes": "theralab.dialogue",
    "Turn": "theralab.dialogue",
    "read_sessions": "theralab.dialogue",
    "write_sessions": "theralab.dialogue",
    "CourseResults": "theralab.evaluate",
    "Results": "theralab.evaluate",
    "evaluate_courses": "theralab.evaluate",
    "evaluate_sessions": "theralab.evaluate",
    "Model": "theralab.model",
    "ClientProfile": "theralab.profiles",
    "builtin_profiles": "theralab.profiles",
    "get_profile": "theralab.profiles",
    "render_report": "theralab.report",
    "write_report": "theralab.report",
    "RunConfig": "theralab.runs",
    "execute_run": "theralab.runs",
    "default_screener": "theralab.safety",
    "guard": "theralab.safety",
    "plan_sessions": "theralab.simulate",
    "run_sessions": "theralab.simulate",
}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())


__all__ = [
    "BadValue",
    "ClientProfile",
    "CourseResults",
    "CourseSlot",
    "InputError",
    "Model",
    "Results",
    "RuleCoder",
    "RunConfig",
    "ScriptedClient",
    "Session",
    "SessionNotes",
    "TheraLabError",
    "Turn",
    "UnknownName",
    "__version__",
    "builtin_profiles",
    "default_screener",
    "evaluate_courses",
    "evaluate_sessions",
    "execute_run",
    "get_profile",
    "guard",
    "make_counselor",
    "plan_sessions",
    "read_sessions",
    "render_report",
    "run_sessions",
    "write_report",
    "write_sessions",
]
