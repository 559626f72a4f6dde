"""Standard measures as data files: PHQ-9 and GAD-7 built in, with TheraLab's psychosis and
mania screening checks; users add their own instrument as a YAML file in the same format.
Simulated clients answer them in character (scripted from their latent state, model-backed
item by item in a bounded schema); scoring gives totals, severity bands and reliable change."""

from theralab.measures.answering import (
    SymptomState,
    answer_scripted,
    answer_with_model,
    item_schema,
    persona_context,
    symptom_state,
)
from theralab.measures.library import (
    builtin_instruments,
    get_instrument,
    load_instrument,
    parse_instrument,
    resolve_instruments,
)
from theralab.measures.model import (
    Band,
    Domain,
    Instrument,
    MeasureItem,
    Option,
    ReliableChange,
    Scoring,
    Simulation,
)
from theralab.measures.scoring import (
    Change,
    ItemAnswer,
    MeasureAnswers,
    MeasureScore,
    rci,
    reliable_change,
    reliable_recovery,
    remission,
    response,
    score,
)

__all__ = [
    "Band",
    "Change",
    "Domain",
    "Instrument",
    "ItemAnswer",
    "MeasureAnswers",
    "MeasureItem",
    "MeasureScore",
    "Option",
    "ReliableChange",
    "Scoring",
    "Simulation",
    "SymptomState",
    "answer_scripted",
    "answer_with_model",
    "builtin_instruments",
    "get_instrument",
    "item_schema",
    "load_instrument",
    "parse_instrument",
    "persona_context",
    "rci",
    "reliable_change",
    "reliable_recovery",
    "remission",
    "resolve_instruments",
    "response",
    "score",
    "symptom_state",
]
