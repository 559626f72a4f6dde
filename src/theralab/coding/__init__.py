"""Offline behavioural coders: MISC codes for counselor turns, talk types for client turns."""

from theralab.coding.rules import TARGETS, CodedSentence, CodedUtterance, RuleCoder

__all__ = ["TARGETS", "CodedSentence", "CodedUtterance", "RuleCoder"]
