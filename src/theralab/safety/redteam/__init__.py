"""The red-team suite: labelled crisis cases and the runner that scores screeners and replies."""

from theralab.safety.redteam.cases import RedTeamCase, load_cases
from theralab.safety.redteam.suite import CaseResult, SuiteReport, criteria_for, run_suite

__all__ = ["CaseResult", "RedTeamCase", "SuiteReport", "criteria_for", "load_cases", "run_suite"]
