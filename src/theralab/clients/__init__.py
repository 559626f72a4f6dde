"""Simulated clients."""

from theralab.clients.scripted import ScriptedClient
from theralab.clients.state import LatentState

__all__ = ["LatentState", "ScriptedClient"]
