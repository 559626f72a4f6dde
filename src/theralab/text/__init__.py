"""Text helpers shared by the scripted agents and the offline coders, and the one sentence
encoder every learned part uses."""

from theralab.text.embedding_store import EmbeddingStore, disk_cache
from theralab.text.encoder import Encoder, Precision
from theralab.text.lexicon import (
    CHANGE_TALK,
    EMOTION_WORDS,
    FEELING_NAMES,
    SUSTAIN_TALK,
    emotions_in,
    feeling_words_in,
)
from theralab.text.perspective import (
    ensure_period,
    lower_first,
    split_sentences,
    strip_fillers,
    to_second_person,
    upper_first,
    word_count,
)

__all__ = [
    "CHANGE_TALK",
    "EMOTION_WORDS",
    "FEELING_NAMES",
    "SUSTAIN_TALK",
    "EmbeddingStore",
    "Encoder",
    "Precision",
    "disk_cache",
    "emotions_in",
    "ensure_period",
    "feeling_words_in",
    "lower_first",
    "split_sentences",
    "strip_fillers",
    "to_second_person",
    "upper_first",
    "word_count",
]
