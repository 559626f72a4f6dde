"""Surface features the trained coders read beside sentence embeddings.

Pure Python (no numpy), so the same code serves training and inference. Two kinds:

* `form_features`: a few dozen hand-chosen cues of an utterance's *form*: is it a question,
  does it open with an interrogative or an auxiliary verb, a reflection stem, advice or
  permission language, change / sustain cues, pronouns, length. Embeddings of a sentence
  encoder capture meaning well but question form and person only weakly.
* `hashed_ngrams`: word 1–2-grams and character 3–5-grams hashed into a fixed number of
  buckets (CRC32, stable across processes). No vocabulary is stored, so the shipped weights
  hold no words of the training data.
"""

from __future__ import annotations

import math
import re

from theralab.text.lexicon import CHANGE_TALK, SUSTAIN_TALK
from theralab.text.ngrams import hashed_ngrams

__all__ = ["FORM_FEATURES", "form_features", "hashed_ngrams"]
from theralab.text.perspective import split_sentences, strip_fillers


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_WH = _rx(r"^(?:what|how|why|when|where|who|whom|whose|which)\b")
_AUX = _rx(
    r"^(?:do|does|did|is|are|was|were|am|can|could|would|will|have|has|had|should|shall|may|"
    r"might|must|isn't|aren't|don't|doesn't|didn't|wasn't|weren't|won't|wouldn't|can't|"
    r"couldn't|haven't|hasn't|shouldn't)\b"
)
_TELL_ME = _rx(
    r"\b(?:tell me|say more|walk me through|help me understand|i'm (?:curious|wondering)|"
    r"i wonder|describe)\b"
)
_TAG_QUESTION = _rx(r"\b(?:right|yeah|correct|isn't it|don't you|is that right|no)\?\s*$")
_REFLECT_STEM = _rx(
    r"^(?:so,? )?(?:it sounds|sounds like|it seems|seems like|you(?:'re| are) (?:feeling|saying|"
    r"thinking|wondering|worried|not sure)|you feel|what i(?:'m| am) hearing|if i(?:'m| am) "
    r"hearing|so you|you're|you've|you have|you really|you don't|you want|you think)"
)
_ADVICE = _rx(
    r"\b(?:you should|you need to|you must|you have to|you ought to|i (?:would )?(?:suggest|"
    r"recommend|advise)|my advice|you might want to|you could try|try to|make sure)\b"
)
_PERMISSION = _rx(
    r"\b(?:would it be (?:ok|okay|alright|all right)|may i|can i (?:share|tell|give|offer)|"
    r"mind if i|would you like (?:me to|some|to hear)|is it (?:ok|okay) if)\b"
)
_INFORMATION = _rx(
    r"\b(?:research|studies|study|evidence|percent|%|risk|recommended|guidelines?|doctor|"
    r"medication|per (?:day|week)|drinks?|units?|blood|cancer|heart|liver)\b"
)
_OPTIONS = _rx(r"\b(?:options?|choices?|some people|one thing|another thing|either|or maybe)\b")
_PLAN = _rx(r"\b(?:plan|goal|next step|this week|next time|going to|will you|agree)\b")
_BACKCHANNEL = _rx(
    r"^(?:mm+[- ]?hmm+|uh[- ]huh|mhm+|hm+|yeah|yes|yep|okay|ok|right|sure|alright|all right|"
    r"i see|oh|wow|good|great|no|nope|um+|uh+|ah+|mm+)[.!?,]*$"
)
_NEGATION = _rx(r"\b(?:not|no|never|don't|can't|won't|didn't|doesn't|isn't|wouldn't|couldn't)\b")
_WANT = _rx(r"\b(?:want|wanna|wish|would like|hope|need to|have to|going to|gonna|will|try)\b")
_ABILITY = _rx(r"\b(?:can|could|able to|manage)\b")
_REASON = _rx(r"\b(?:because|'cause|cause|so that|worried|worry|concern|health|kids|family)\b")
_FIRST = _rx(r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself)\b")
_SECOND = _rx(r"\b(?:you|you're|you've|you'd|you'll|your|yours|yourself)\b")
_WE = _rx(r"\b(?:we|we're|we've|let's|us|our)\b")
_WORD = re.compile(r"[a-z0-9']+")


def _frac(pattern: re.Pattern[str], text: str, words: int) -> float:
    return min(len(pattern.findall(text)) / max(words, 1) * 5, 1.0)


def form_features(text: str) -> list[float]:
    """Cues of form for one utterance, each in [0, 1] (see FORM_FEATURES for the names)."""
    t = text.strip()
    sentences = split_sentences(t) or [t]
    first = strip_fillers(sentences[0]) or sentences[0]
    last = strip_fillers(sentences[-1]) or sentences[-1]
    words = len(_WORD.findall(t.lower()))
    questions = [s for s in sentences if s.rstrip().endswith("?")]
    change = [m.start() for m in CHANGE_TALK.finditer(t)]
    sustain = [m.start() for m in SUSTAIN_TALK.finditer(t)]
    return [
        float(t.endswith("?")),
        float("?" in t),
        len(questions) / len(sentences),
        float(bool(_WH.search(last))),
        float(bool(_AUX.search(last))),
        float(bool(_WH.search(first))),
        float(bool(_AUX.search(first))),
        float(any(_WH.search(strip_fillers(q) or q) for q in questions)),
        float(any(_AUX.search(strip_fillers(q) or q) for q in questions)),
        float(bool(_TELL_ME.search(t))),
        float(bool(_TAG_QUESTION.search(t))),
        float(bool(_REFLECT_STEM.search(first))),
        float(any(_REFLECT_STEM.search(strip_fillers(s) or s) for s in sentences)),
        float(bool(_ADVICE.search(t))),
        float(bool(_PERMISSION.search(t))),
        float(bool(_INFORMATION.search(t))),
        float(bool(_OPTIONS.search(t))),
        float(bool(_PLAN.search(t))),
        float(bool(_BACKCHANNEL.match(t))),
        float(words <= 3),
        min(math.log1p(words) / math.log(200), 1.0),
        min(len(sentences) / 8, 1.0),
        _frac(_FIRST, t, words),
        _frac(_SECOND, t, words),
        _frac(_WE, t, words),
        _frac(_NEGATION, t, words),
        float(bool(_WANT.search(t))),
        float(bool(_ABILITY.search(t))),
        float(bool(_REASON.search(t))),
        min(len(change) / 3, 1.0),
        min(len(sustain) / 3, 1.0),
        float(bool(change) and (not sustain or max(change) > max(sustain))),
        float(bool(sustain) and (not change or max(sustain) > max(change))),
        float(t.endswith(("-", "--", "…", "..."))),
    ]


FORM_FEATURES: tuple[str, ...] = (
    "ends_question",
    "has_question_mark",
    "share_question_sentences",
    "last_wh_opening",
    "last_aux_opening",
    "first_wh_opening",
    "first_aux_opening",
    "some_question_wh",
    "some_question_aux",
    "tell_me",
    "tag_question",
    "reflection_stem_first",
    "reflection_stem_any",
    "advice_language",
    "permission",
    "information_language",
    "options_language",
    "plan_language",
    "backchannel",
    "very_short",
    "log_length",
    "sentences",
    "first_person",
    "second_person",
    "we",
    "negation",
    "want_need",
    "ability",
    "reasons",
    "change_cues",
    "sustain_cues",
    "last_cue_change",
    "last_cue_sustain",
    "trailing_off",
)
