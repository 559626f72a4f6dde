"""The session loop and the concurrent runner."""

from theralab.simulate.runner import derive_seed, plan_sessions, run_sessions
from theralab.simulate.session import DEFAULT_MAX_TURNS, SessionPlan, run_session

__all__ = [
    "DEFAULT_MAX_TURNS",
    "SessionPlan",
    "derive_seed",
    "plan_sessions",
    "run_session",
    "run_sessions",
]
