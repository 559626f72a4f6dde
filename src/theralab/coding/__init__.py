"""Offline behavioural coders: MISC codes for counselor turns, talk types for client turns,
and EPITOME empathy levels for support responses.

`RuleCoder` is transparent and dependency-free; `MICoder` and `EmpathyCoder` are trained on
AnnoMI and EPITOME (they need the `semantic` extra). `default_mi_coder()` gives the trained
MI coder when it can run, else the rule coder behind the same interface (`Coder`, the one
coder protocol).
"""

from theralab.coding.empathy import EmpathyCoder, EmpathyScores, empathy_coder_available
from theralab.coding.mi_coder import (
    ClientCode,
    Coder,
    Context,
    CounselorCode,
    MICoder,
    MICoderLike,
    RuleMICoder,
    default_mi_coder,
    mi_coder_available,
)
from theralab.coding.rules import TARGETS, CodedSentence, CodedUtterance, RuleCoder

__all__ = [
    "TARGETS",
    "ClientCode",
    "CodedSentence",
    "CodedUtterance",
    "Coder",
    "Context",
    "CounselorCode",
    "EmpathyCoder",
    "EmpathyScores",
    "MICoder",
    "MICoderLike",
    "RuleCoder",
    "RuleMICoder",
    "default_mi_coder",
    "empathy_coder_available",
    "mi_coder_available",
]
