"""The data written for the MI coder — support chats (data/coder_chats/) and MI sessions with
client talk labels (data/client_talk/): reading, clear errors on bad files, and the scheme of
the shipped files. Needs no ../shared."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from theralab.coding.corpora import (
    BEHAVIOURS,
    CHATS_MAP,
    OTHER_TYPES,
    TALK_TYPES,
    chat_units,
    chats_dir,
    read_chats,
    read_talk_sessions,
    split_units,
    talk_dir,
    talk_transcripts,
)
from theralab.errors import InputError

GOOD = """\
- id: t_c001
  style: peer_chat
  topic: exams
  turns:
  - seeker: "failed my resit. again."
  - supporter:
    - [support, "Oh no, I'm sorry."]
    - [question_open, "How are you taking it?"]
  - seeker: "badly"
  - supporter:
    - [reflection_complex, "It sounds like it knocked your confidence."]
"""


def _write(tmp_path: Path, text: str, name: str = "chats_t.yaml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_each_segment_is_one_unit_with_the_seekers_message_before_its_turn(
    tmp_path: Path,
) -> None:
    units = chat_units(read_chats(_write(tmp_path, GOOD)))
    assert [u.text for u in units] == [
        "Oh no, I'm sorry.",
        "How are you taking it?",
        "It sounds like it knocked your confidence.",
    ]
    assert [u.previous for u in units] == [
        ("client", "failed my resit. again."),
        ("client", "failed my resit. again."),
        ("client", "badly"),
    ]
    assert {u.group for u in units} == {"t_c001"} and {u.corpus for u in units} == {"chats"}
    assert units[0].gold("behaviour", BEHAVIOURS) == "other"
    assert units[0].gold("other", OTHER_TYPES) == "support"
    assert units[1].gold("question", ("open", "closed")) == "open"
    assert units[2].gold("behaviour", BEHAVIOURS) == "reflection"


def test_support_affirm_and_self_disclosure_are_never_reflections() -> None:
    for code in ("affirm", "support", "self_disclosure"):
        assert CHATS_MAP[code][0] == "other"
    assert CHATS_MAP["advice"][0] == CHATS_MAP["information"][0] == "therapist_input"


@pytest.mark.parametrize(
    ("broken", "message", "line"),
    [
        (GOOD.replace("[support,", "[sympathy,"), "turns.1.supporter.0.0", 5),
        (GOOD.replace('  - seeker: "badly"\n', ""), "alternate", 1),
        (GOOD.replace('  - seeker: "failed my resit. again."\n', ""), "starts with a seeker", 1),
        (GOOD.replace("  topic: exams\n", ""), "topic", 1),
    ],
)
def test_a_bad_file_names_the_file_the_line_and_what_is_wrong(
    tmp_path: Path, broken: str, message: str, line: int
) -> None:
    folder = _write(tmp_path, broken)
    with pytest.raises(InputError) as err:
        read_chats(folder)
    text = str(err.value)
    assert "chats_t.yaml" in text and message in text
    assert err.value.line is not None and err.value.line >= line


def test_a_conversation_id_used_twice_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, GOOD, "a.yaml")
    _write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(InputError, match="duplicate conversation id 't_c001'"):
        read_chats(tmp_path)


# --- the shipped files -------------------------------------------------------------------


def _shipped() -> list:
    if not chats_dir().is_dir():
        pytest.skip("no data/coder_chats in this checkout")
    return read_chats()


def test_the_shipped_chats_follow_the_scheme_and_use_every_code() -> None:
    chats = _shipped()
    assert len(chats) >= 150
    units = chat_units(chats)
    counts = Counter(u.source_label for u in units)
    assert set(counts) == set(CHATS_MAP)
    for code, n in counts.items():  # no code is a token presence
        assert n >= 0.03 * len(units), code
    for chat in chats:
        assert re.fullmatch(r"chats_[a-z]_c\d{3}", chat.id), chat.id
        assert sum(t.supporter is not None for t in chat.turns) >= 3, chat.id


def test_the_shipped_chats_split_by_conversation_about_a_fifth_frozen() -> None:
    dev, frozen = split_units(chat_units(_shipped()), "chats")
    assert not {u.group for u in dev} & {u.group for u in frozen}
    share = len({u.group for u in frozen}) / len({u.group for u in dev + frozen})
    assert 0.1 < share < 0.3


# --- written MI sessions with client talk labels (data/client_talk/) ---------------------

TALK = """\
- id: t_s001
  style: spoken_mi
  topic: smoking
  target: quitting smoking
  turns:
  - counselor: "What brings you in?"
  - client: [neutral, "My GP asked me to come."]
  - counselor: "You came because she asked."
  - client: [sustain, "Honestly it's the only break I get at work."]
"""


def test_written_sessions_read_as_transcripts_with_one_talk_label_per_client_turn(
    tmp_path: Path,
) -> None:
    (tmp_path / "talk_t.yaml").write_text(TALK, encoding="utf-8")
    [transcript] = talk_transcripts(read_talk_sessions(tmp_path))
    assert [u.speaker for u in transcript.utterances] == [
        "counselor",
        "client",
        "counselor",
        "client",
    ]
    client = [u for u in transcript.utterances if u.speaker == "client"]
    assert [u.label("talk_type", TALK_TYPES) for u in client] == ["neutral", "sustain"]
    assert transcript.utterances[0].annotations == []


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (TALK.replace("[sustain,", "[resistance,"), "turns.3.client.0"),
        (TALK.replace('  - counselor: "What brings you in?"\n', ""), "starts with a counselor"),
        (TALK.replace("  target: quitting smoking\n", ""), "target"),
    ],
)
def test_a_bad_session_file_names_the_file_line_and_field(
    tmp_path: Path, broken: str, message: str
) -> None:
    (tmp_path / "talk_t.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_talk_sessions(tmp_path)
    assert "talk_t.yaml" in str(err.value) and message in str(err.value)
    assert err.value.line is not None


def test_the_shipped_sessions_have_plenty_of_each_talk_type() -> None:
    if not talk_dir().is_dir():
        pytest.skip("no data/client_talk in this checkout")
    transcripts = talk_transcripts(read_talk_sessions())
    assert len(transcripts) >= 100
    labels = Counter(
        u.label("talk_type", TALK_TYPES)
        for t in transcripts
        for u in t.utterances
        if u.speaker == "client"
    )
    total = sum(labels.values())
    assert set(labels) == set(TALK_TYPES)
    assert all(n >= 0.2 * total for n in labels.values()), labels
