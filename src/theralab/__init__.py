"""TheraLab: simulate, evaluate and guard LLM counselors.

The common path in code::

    from theralab import RunConfig, execute_run
    outcome = execute_run(RunConfig(counselors=["cbt", "mi"], clients=12), Path("runs/x"))

Subpackages hold the parts: `profiles`, `dialogue`, `coding`, `clients`, `counselors`,
`simulate` (sessions and courses of sessions), `measures`, `evaluate`, `report`.
"""

from theralab.clients import ScriptedClient
from theralab.coding import RuleCoder
from theralab.counselors import make_counselor
from theralab.dialogue import CourseSlot, Session, SessionNotes, Turn, read_sessions, write_sessions
from theralab.errors import BadValue, InputError, TheraLabError, UnknownName
from theralab.evaluate import CourseResults, Results, evaluate_courses, evaluate_sessions
from theralab.model import Model
from theralab.profiles import ClientProfile, builtin_profiles, get_profile
from theralab.report import render_report, write_report
from theralab.runs import RunConfig, execute_run
from theralab.safety import default_screener, guard
from theralab.simulate import plan_sessions, run_sessions
from theralab.version import __version__

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
