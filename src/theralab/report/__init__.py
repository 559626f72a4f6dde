"""Self-contained HTML reports of a run."""

from theralab.report.html import render_report, write_report

__all__ = ["render_report", "write_report"]
