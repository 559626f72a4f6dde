"""Offline evaluation: evaluators (pluggable), per-session scores and per-counselor summaries.

Importing this package registers the built-in evaluators (miti, outcome, coverage, safety by
default; quality when asked for).
"""

from theralab.evaluate.base import (
    EVALUATORS,
    Evaluator,
    Metric,
    SessionScores,
    get_evaluators,
    register_evaluator,
)
from theralab.evaluate.courses import (
    CounselorCourses,
    CourseOutcome,
    CourseResults,
    evaluate_courses,
)
from theralab.evaluate.miti import MitiEvaluator
from theralab.evaluate.outcome import CoverageEvaluator, OutcomeEvaluator
from theralab.evaluate.quality import QualityEvaluator
from theralab.evaluate.results import (
    DEFAULT_RANK_BY,
    CounselorSummary,
    MetricInfo,
    Results,
    SessionResult,
    aggregate,
    evaluate_sessions,
    score_sessions,
)
from theralab.evaluate.safety import SafetyEvaluator
from theralab.evaluate.stats import Estimate, bootstrap_mean

__all__ = [
    "DEFAULT_RANK_BY",
    "EVALUATORS",
    "CounselorCourses",
    "CounselorSummary",
    "CourseOutcome",
    "CourseResults",
    "CoverageEvaluator",
    "Estimate",
    "Evaluator",
    "Metric",
    "MetricInfo",
    "MitiEvaluator",
    "OutcomeEvaluator",
    "QualityEvaluator",
    "Results",
    "SafetyEvaluator",
    "SessionResult",
    "SessionScores",
    "aggregate",
    "bootstrap_mean",
    "evaluate_courses",
    "evaluate_sessions",
    "get_evaluators",
    "register_evaluator",
    "score_sessions",
]
