"""The output check: what a counselor must never send, whatever it was asked.

Kept as the import path the guardrail and other callers use; the checker itself lives in
`theralab.safety.reply_check` (reasons, history reading, rules).
"""

from __future__ import annotations

from theralab.safety.reply_check import REASONS, OutputVerdict, check_reply

__all__ = ["REASONS", "OutputVerdict", "check_reply"]
