"""Reports: the self-contained HTML report and console summaries."""

from theralab.report.console import (
    courses_table,
    leaderboard_table,
    print_leaderboard,
    print_session,
)
from theralab.report.html import render_report, write_report

__all__ = [
    "courses_table",
    "leaderboard_table",
    "print_leaderboard",
    "print_session",
    "render_report",
    "write_report",
]
