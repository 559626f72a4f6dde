"""The pattern tier's prefilter never skips a regex that would match (it only saves time).

`theralab.safety.prefilter` derives, from each regex's syntax, strings of which a text must hold
one for the regex to match; the pattern tier skips the regex when none is there. A wrong
derivation would silently drop cues, so every prefiltered regex of the pattern tier is checked
against the repository's own corpora: wherever the regex matches, its prefilter must pass.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from theralab.safety import patterns as P
from theralab.safety.corpus import batch4_dir, corpus_dir, load_corpus
from theralab.safety.prefilter import Prefiltered, needles
from theralab.safety.redteam.cases import load_cases


def _filters() -> dict[str, Prefiltered]:
    found = {f"cue:{c.name}": f for c, f in zip(P.CUES, P._CUE_FILTERS, strict=True)}
    found |= {name: v for name, v in vars(P).items() if isinstance(v, Prefiltered)}
    found |= {f"_PREP_ACTS[{i}]": f for i, f in enumerate(P._PREP_ACTS)}
    found |= {f"_MINOR_PARTS_RX[{i}]": f for i, f in enumerate(P._MINOR_PARTS_RX)}
    found |= {f"_SLANG_RX[{i}]": f for i, (f, _) in enumerate(P._SLANG_RX)}
    return found


@cache
def _texts(form: str) -> tuple[str, ...]:
    """The corpora's messages as the regexes see them: lowered (the slang substitutions) or
    normalised (everything else)."""
    messages = [
        *load_corpus(),
        *load_corpus(batch4_dir(), legacy=False),
        *load_corpus(corpus_dir().with_name("screener_challenge"), legacy=False),
    ]
    texts = [m.text for m in messages] + [t for case in load_cases() for t in case.turns]
    change = str.lower if form == "lowered" else P.normalise
    return tuple(dict.fromkeys(change(t) for t in texts))


def test_the_corpora_are_there() -> None:
    assert len(_texts("normalised")) > 5000  # a checkout: data/screener, batch 4, challenge set


@pytest.mark.parametrize("name", sorted(_filters()))
def test_the_prefilter_passes_wherever_its_regex_matches(name: str) -> None:
    prefiltered = _filters()[name]
    texts = _texts("lowered" if name.startswith("_SLANG") else "normalised")
    missed = [t for t in texts if prefiltered.regex.search(t) and not prefiltered.may_match(t)]
    assert not missed, f"{name} skipped {len(missed)} matching texts, e.g. {missed[0]!r}"
    assert prefiltered.needles is None or prefiltered.needles  # never an empty set


def test_the_prefilter_skips_most_cues_on_an_ordinary_message() -> None:
    text = P.normalise("Had a long day at work, going to cook pasta and watch the match tonight.")
    skipped = [f for f in P._CUE_FILTERS if not f.may_match(text)]
    assert len(skipped) > len(P.CUES) // 2
    assert all(f.search(text) is None for f in skipped)


def test_needles_follow_the_pattern() -> None:
    assert needles(re.compile(r"\bkill(?:ing)? myself\b")) == {"kill myself", "killing myself"}
    # One needle per alternative; a part that may be absent gives none.
    assert needles(re.compile(r"\b(?:wanna die|want(?:ed)? to die)\b")) == {
        "wanna die",
        "want to die",
        "wanted to die",
    }
    assert needles(re.compile(r"(?:voices?)? tell me")) == {" tell me"}
    # `k+m+s+` holds "km" and "ms"; a lookahead's text is in the text too.
    assert needles(re.compile(r"\bk+m+s+\b")) in ({"km"}, {"ms"})
    assert needles(re.compile(r"\bi (?=.*\bnobody cares)")) == {"nobody cares"}


@pytest.mark.parametrize(
    "pattern", [r"\w+", r"(?:a|b)?", r"[^.]{3}", r"(?P<a>x?)(?P=a)", r"(?i:kill)"]
)
def test_patterns_with_nothing_certain_have_no_needles(pattern: str) -> None:
    assert needles(re.compile(pattern)) is None
    assert Prefiltered(pattern).may_match("")


@pytest.mark.parametrize(
    "text",
    ["SUICIDE", "su1cide", "ſuicide", "suicıde", "sewer slide", "S*icide", "nothing here"],
)
def test_ignorecase_prefilter_agrees_with_its_regex(text: str) -> None:
    # Unicode case folding maps the long s onto s: non-ASCII text always runs the regex.
    pattern = r"\bsewer ?slide\b|\bsu[i1!]c[i1!]d[e3]\b|\bs[u*]ic[i*]de\b"
    prefiltered = Prefiltered(pattern, re.IGNORECASE)
    expected = re.compile(pattern, re.IGNORECASE).sub("x", text)
    assert prefiltered.sub("x", text) == expected
    assert bool(prefiltered.search(text)) == bool(re.search(pattern, text, re.IGNORECASE))


def test_a_tree_it_cannot_read_runs_the_regex_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from theralab.safety import prefilter

    def changed_shape(items: object) -> object:
        raise TypeError("a parser of another Python")

    monkeypatch.setattr(prefilter, "_sequence", changed_shape)
    monkeypatch.setattr(prefilter, "_shipped", dict)  # not the table's needles either
    assert needles(re.compile(r"\bkill myself\b")) is None
    cue = Prefiltered(r"\bkill myself\b")
    assert cue.may_match("nothing here") and cue.search("i want to kill myself")


def test_without_the_private_parser_every_regex_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    from theralab.safety import prefilter

    monkeypatch.setattr(prefilter, "_READABLE", False)
    monkeypatch.setattr(prefilter, "_shipped", dict)
    assert needles(re.compile(r"\bend it all\b")) is None
    assert Prefiltered(r"\bend it all\b").may_match("an ordinary day")


def test_the_shipped_table_holds_what_the_reader_derives_now() -> None:
    """Every prefiltered regex of the pattern tier, medication and language checks is in the
    package's table with exactly the needles read from its syntax now (the script derives
    them afresh in a process of its own, so no regex made by a test is counted); a stale
    table would only cost time (a changed regex is read again), but it should be rewritten."""
    import subprocess
    import sys

    from theralab.safety import prefilter

    shipped = json.loads(prefilter.TABLE.read_text(encoding="utf-8"))
    if shipped["made_by"]["python"] != f"{sys.version_info[0]}.{sys.version_info[1]}":
        pytest.skip("the table was written under another Python (it is ignored there)")
    assert shipped["made_by"] == prefilter.reader_version(), (
        "prefilter.py changed since the table was written: run "
        ".venv/bin/python scripts/prefilter_needles.py"
    )
    assert len(shipped["needles"]) > 150
    script = Path(__file__).parents[1] / "scripts" / "prefilter_needles.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_the_table_is_used_only_for_its_reader_and_its_regexes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from theralab.safety import prefilter

    listed = re.compile(r"\bsome listed words\b")
    unlisted = re.compile(r"\bnot in the table\b")
    table = {
        "made_by": prefilter.reader_version(),
        "needles": {prefilter.key(listed): ["a needle the table chose"]},
    }
    path = tmp_path / "needles.json"
    path.write_text(json.dumps(table), encoding="utf-8")
    monkeypatch.setattr(prefilter, "TABLE", path)
    prefilter._shipped.cache_clear()
    try:
        # Its reader's table is read as it is (the lookup works)...
        assert prefilter.derived_or_shipped(listed) == {"a needle the table chose"}
        # ...a regex it does not hold is read from its syntax...
        assert prefilter.derived_or_shipped(unlisted) == {"not in the table"}
        # ...and another reader's table, or a broken file, is not read at all.
        table["made_by"] = {**table["made_by"], "reader": "another"}
        path.write_text(json.dumps(table), encoding="utf-8")
        prefilter._shipped.cache_clear()
        assert prefilter.derived_or_shipped(listed) == {"some listed words"}
        path.write_text("{not json", encoding="utf-8")
        prefilter._shipped.cache_clear()
        assert prefilter.derived_or_shipped(listed) == {"some listed words"}
    finally:
        prefilter._shipped.cache_clear()
