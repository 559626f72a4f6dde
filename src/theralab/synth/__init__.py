"""Dataset synthesis: quotas, composed profiles, guarded sessions, gates, filters,
near-duplicate removal, data cards, exports; local or distributed executors."""

from theralab.synth.compose import compose_profile
from theralab.synth.config import SynthConfig
from theralab.synth.export import export_dataset
from theralab.synth.pipeline import LocalExecutor, finalize, synthesize
from theralab.synth.quotas import Quota, QuotaPlan

__all__ = [
    "LocalExecutor",
    "Quota",
    "QuotaPlan",
    "SynthConfig",
    "compose_profile",
    "export_dataset",
    "finalize",
    "synthesize",
]
