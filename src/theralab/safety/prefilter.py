"""Cheap tests that say when a regex cannot match, so the pattern tier skips it.

Python's `re` tries a pattern like `\\b(?:kill myself|end it all|...)` at every word of a
message, each alternative in turn; most of the pattern tier's time went there, on cues that
could not match. `needles` reads a compiled pattern's syntax tree and returns strings of which a
text must hold at least one for the pattern to match in it ("kill myself", "end it all", ...),
and `Prefiltered` runs the regex only when one of them is there.

The needles are a necessary condition derived from the pattern itself, never a hand-written
list: when a pattern changes, so do they, and a construct the reader does not know yields no
needles (the regex always runs). The regex itself is unchanged, so results are identical.
Finding the needles is cheap too: every long needle of every `Prefiltered` is indexed by one of
its 4-grams, and one look at a text's 4-grams tells which regexes could match it.

Reading the syntax trees of the pattern tier's regexes takes a third of a second, which every
process that screens paid at start. The derived needles therefore ship with the package
(`safety/data/prefilter_needles.json`, written by `scripts/prefilter_needles.py`), keyed by
each regex's flags and text: a regex that changed is not in the table and is read again, and
the whole table is ignored under another Python minor version or another version of this
module (its digest is recorded), so the table can only ever hold what the reader would derive
now. `tests/test_safety_prefilter.py` checks that it does, for every prefiltered regex.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import itertools
import json
import re
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

# The syntax tree comes from CPython's own regex parser, a private module. A Python without it,
# or a tree this reader cannot read, gives no needles: the regex then always runs (slower,
# never a missed match).
try:
    from re import _constants as sre
    from re import _parser as sre_parse

    _READABLE = True
except ImportError:  # pragma: no cover - CPython 3.11+ has both
    _READABLE = False

# Bounds on the literal sets grown from alternations, optional parts and small classes.
_MAX_EXACT = 64  # strings one part of a pattern can match exactly
_MAX_CLASS = 12  # characters of a class expanded into literals ([0-7], [mf])
_ENOUGH = 10  # characters: needles longer than this are not preferred for their length

Exact = frozenset[str] | None  # every string a part can match, when few; None when unknown
Needles = frozenset[str] | None  # strings of which a match holds one; None when unknown


def needles(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings of which a text holds at least one wherever `pattern` matches in it (the match
    holds it, or a lookaround looked at it), or None when none are known.

    IGNORECASE is ignored here: `Prefiltered` lowers the needles and uses them on ASCII text.
    """
    if not _READABLE:
        return None
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags & ~re.IGNORECASE)
        _, required = _sequence(list(tree))
    except Exception:  # a parser that changed shape: run the regex every time
        return None
    return _simplify(required) if required else None


TABLE = Path(__file__).parent / "data" / "prefilter_needles.json"


def key(pattern: re.Pattern[str]) -> str:
    """A regex's entry in the shipped table: its flags and its text."""
    return hashlib.sha256(f"{pattern.flags}\0{pattern.pattern}".encode()).hexdigest()[:24]


def reader_version() -> dict[str, str]:
    """What a table of needles is valid for: this Python's minor version (its regex parser)
    and this module's source (the reader)."""
    source = Path(__file__).read_bytes()
    return {
        "python": f"{sys.version_info[0]}.{sys.version_info[1]}",
        "reader": hashlib.sha256(source).hexdigest()[:24],
    }


@functools.cache
def _shipped() -> dict[str, list[str] | None]:
    """The shipped table's needles by `key`, or nothing when it is missing, unreadable or made
    by another reader (then every regex is read again: slower, never wrong)."""
    try:
        table = json.loads(TABLE.read_text(encoding="utf-8"))
        if table.get("made_by") != reader_version():
            return {}
        found = table["needles"]
        return found if isinstance(found, dict) else {}
    except (OSError, ValueError, KeyError, AttributeError):
        return {}


def derived_or_shipped(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """`needles(pattern)`, from the shipped table when it holds this regex."""
    known = _shipped()
    entry = key(pattern)
    if entry in known:
        listed = known[entry]
        return None if listed is None else frozenset(listed)
    return needles(pattern)


def table(patterns: list[re.Pattern[str]]) -> dict[str, object]:
    """The table `scripts/prefilter_needles.py` writes for these regexes (derived afresh)."""
    found = {}
    for pattern in patterns:
        derived = needles(pattern)
        found[key(pattern)] = None if derived is None else sorted(derived)
    return {"made_by": reader_version(), "needles": dict(sorted(found.items()))}


def _simplify(found: frozenset[str]) -> frozenset[str] | None:
    """Drop needles that hold another needle: when the longer one is in a text, so is the
    shorter. None when a needle is empty (always present)."""
    if "" in found:
        return None
    ordered = sorted(found, key=len)
    kept: list[str] = []
    for s in ordered:
        if not any(map(s.__contains__, kept)):
            kept.append(s)
    return frozenset(kept)


def _strength(found: frozenset[str]) -> tuple[int, int, int]:
    """How selective a needle set is: a set passes a text when any of its needles is there, so
    its shortest needle counts most (up to `_ENOUGH` characters), then fewer needles, then
    the shortest needle's full length."""
    shortest = min(map(len, found))
    return min(shortest, _ENOUGH), -len(found), shortest


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    usable = [c for c in candidates if c and "" not in c]
    return max(usable, key=_strength) if usable else None


def _concat(left: frozenset[str], right: frozenset[str]) -> frozenset[str] | None:
    if len(left) * len(right) > _MAX_EXACT:
        return None
    return frozenset(map("".join, itertools.product(left, right)))


def _sequence(items: list[tuple[object, object]]) -> tuple[Exact, frozenset[str] | None]:
    """A sequence's exact strings (if few) and its best needle set.

    Consecutive parts with known strings are concatenated (they are adjacent in any match);
    any one part's needles hold for the whole sequence, so the most selective is kept."""
    run: frozenset[str] = frozenset({""})  # the current stretch of parts with known strings
    word = ""  # the current stretch of parts with one string each
    candidates: list[frozenset[str]] = []
    all_exact = True
    for exact, required, ends in _parts(items):
        if required:
            candidates.append(required)
        if ends is not None:
            # `x+`: its match starts with one copy of x and ends with one, so the stretch
            # before joins the first copy and the stretch after starts from the last.
            joined = _concat(run, ends)
            candidates += [joined or run, frozenset(word + e for e in ends)]
            run, word, all_exact = ends, (next(iter(ends)) if len(ends) == 1 else ""), False
            continue
        if exact is not None and len(exact) == 1:
            word += next(iter(exact))
        else:
            candidates.append(frozenset({word}))
            word = ""
        joined = _concat(run, exact) if exact is not None else None
        if joined is not None:
            run = joined
            continue
        all_exact = False
        candidates.append(run)
        run = exact if exact is not None else frozenset({""})
    candidates += [run, frozenset({word})]
    return (run if all_exact else None), _best(candidates)


def _parts(items: list[tuple[object, object]]) -> Iterator[tuple[Exact, Needles, Exact]]:
    """`_node` of each item, with runs of literal characters taken as one string (a pattern's
    words would otherwise be joined onto every string of a stretch one letter at a time)."""
    letters: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            letters.append(chr(av))
            continue
        if letters:
            word = frozenset({"".join(letters)})
            yield word, word, None
            letters = []
        yield _node(op, av)
    if letters:
        word = frozenset({"".join(letters)})
        yield word, word, None


def _node(op: object, av: object) -> tuple[Exact, Needles, Exact]:
    """One syntax-tree node: its exact strings (if few), needles (if any) and, for a repeat
    of at least one copy with too many strings to list (`k+`), what each end can be."""
    if op is sre.LITERAL:
        one = frozenset({chr(av)})
        return one, one, None
    if op in (sre.AT, sre.ASSERT_NOT):
        # Zero width: the parts on either side are adjacent in the matched text.
        return frozenset({""}), None, None
    if op is sre.ASSERT:
        # A lookahead or lookbehind is zero width too, but what it looks at is in the text.
        _, sub = av
        return frozenset({""}), _sequence(list(sub))[1], None
    if op is sre.IN:
        chars = _class_chars(av)
        return chars, chars, None
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, sub = av
        if add_flags or del_flags:  # an inline flag (?i:...) changes what literals match
            return None, None, None
        return (*_sequence(list(sub)), None)
    if op is sre.ATOMIC_GROUP:
        return (*_sequence(list(av)), None)
    if op is sre.BRANCH:
        return (*_branch(av[1]), None)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, sub = av
        exact, required = _sequence(list(sub))
        repeated = _repeat(exact, low, high)
        ends = exact if repeated is None and low >= 1 and exact and "" not in exact else None
        return repeated, (required if low >= 1 else None), ends
    return None, None, None  # any character, a category, a back reference: unknown


def _branch(alternatives: list[object]) -> tuple[Exact, frozenset[str] | None]:
    """A match of an alternation matches one alternative: the union of theirs."""
    exact: set[str] | None = set()
    required: set[str] | None = set()
    for alt in alternatives:
        alt_exact, alt_required = _sequence(list(alt))
        if exact is not None and alt_exact is not None and len(exact | alt_exact) <= _MAX_EXACT:
            exact |= alt_exact
        else:
            exact = None
        best = _best([c for c in (alt_required, alt_exact) if c])
        if required is not None and best is not None:
            required |= best
        else:
            required = None
    return (
        frozenset(exact) if exact is not None else None,
        frozenset(required) if required else None,
    )


def _repeat(exact: Exact, low: int, high: int) -> Exact:
    """The strings of a bounded repeat of a part with known strings (`x?`, `x{0,2}`)."""
    if exact is None or high > 3:  # also unbounded (MAXREPEAT)
        return None
    found: frozenset[str] | None = frozenset({""})
    out: set[str] = set()
    for count in range(high + 1):
        if count >= low:
            out |= found
        if count < high:
            found = _concat(found, exact)
            if found is None or len(out) > _MAX_EXACT:
                return None
    return frozenset(out) if len(out) <= _MAX_EXACT else None


def _class_chars(items: list[tuple[object, object]]) -> Exact:
    """The characters of a small positive class ([mf], [0-7]); None for larger or negated."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE:
            low, high = av
            if high - low >= _MAX_CLASS:
                return None
            chars.update(chr(c) for c in range(low, high + 1))
        else:  # NEGATE, a category (\w, \s), ...
            return None
        if len(chars) > _MAX_CLASS:
            return None
    return frozenset(chars)


GRAM = 4  # characters: needles this long are found through one of their 4-grams

# Every Prefiltered's long needles, so that one look at a text's 4-grams tells which regexes
# could match it (each regex asking alone cost a set operation per regex per text).
_NEEDLES: list[tuple[str, int]] = []  # (needle, Prefiltered id)


_IDENTS = itertools.count()


def _register(long_needles: list[str]) -> int:
    ident = next(_IDENTS)
    _NEEDLES.extend([(needle, ident) for needle in long_needles])  # a list: one step
    return ident


@functools.lru_cache(maxsize=1)
def _index(count: int) -> dict[str, list[tuple[frozenset[str], int]]]:
    """The needles of every registered regex by one 4-gram each: the 4-gram that the fewest
    needles share (in needles written in English, a 4-gram many of them share, like "king"
    or "you ", is common in messages too and would send every message to many checks)."""
    needle_grams = [(_grams(needle), ident) for needle, ident in _NEEDLES[:count]]
    shared = collections.Counter(gram for grams, _ in needle_grams for gram in grams)
    index: dict[str, list[tuple[frozenset[str], int]]] = {}
    for grams, ident in needle_grams:
        rarest = min(sorted(grams), key=shared.__getitem__)  # sorted: the same on every run
        index.setdefault(rarest, []).append((grams, ident))
    return index


# The last text asked about, with the registry's size then and the answer, as one tuple
# (replaced whole, so a thread reads a consistent triple): a message asks some sixty times.
_last: tuple[str | None, int, frozenset[int]] = (None, 0, frozenset())


def _passing(text: str) -> frozenset[int]:
    """The registered regexes one of whose long needles is in `text`."""
    global _last
    last_text, last_count, found = _last
    count = len(_NEEDLES)
    if last_text is not text or last_count != count:
        found = _passing_cached(text, count)
        _last = (text, count, found)
    return found


@functools.lru_cache(maxsize=64)
def _passing_cached(text: str, count: int) -> frozenset[int]:
    # `count` in the key: a regex registered later (an import) must not meet a stale answer.
    # A needle counts as present when all its 4-grams are in the text (true whenever it is
    # there): hash lookups whatever the length of the text, where `in` scans it.
    index = _index(count)
    found: set[int] = set()
    grams = _grams(text)
    for gram in index.keys() & grams:
        for needle_grams, ident in index[gram]:
            if ident not in found and needle_grams <= grams:
                found.add(ident)
    return frozenset(found)


def _grams(text: str) -> frozenset[str]:
    """Every 4-character substring of `text`."""
    return frozenset(map("".join, zip(text, text[1:], text[2:], text[3:], strict=False)))


# Prefiltered objects whose needles are not looked up (or derived) yet. It waits for the first
# text (every `theralab` command imports the pattern tier; not all screen), and then takes them
# all at once so the index is built once (with the shipped table, a tenth of a second here).
_pending: list[Prefiltered] = []
_pending_lock = threading.Lock()
_made: list[Prefiltered] = []  # every one, derived or not (the table's script reads them all)


def made() -> tuple[Prefiltered, ...]:
    """Every Prefiltered made in this process so far."""
    return tuple(_made)


def prepare() -> None:
    """Derive the needles of every Prefiltered made so far and index them (a screener calls
    this when it starts, so its first message does not pay for it)."""
    with _pending_lock:
        while _pending:
            _pending.pop(0)._derive()
    _index(len(_NEEDLES))


class Prefiltered:
    """A compiled regex that first checks its needles: no needle in the text, no scan.

    Needles of four characters or more are found through the text's 4-grams (a needle in the
    text has all its 4-grams in it), once per text for every regex; shorter ones with `in`.
    Results are those of the regex itself.

    With IGNORECASE the needles are compared with `in` against the lowered text, and only for
    ASCII text (Unicode case folding maps a few other characters onto ASCII letters, such as
    the long s and the Kelvin sign)."""

    __slots__ = ("_ident", "_ignorecase", "_needles", "_ready", "_short", "regex")

    def __init__(self, regex: re.Pattern[str] | str, flags: int = 0) -> None:
        self.regex = re.compile(regex, flags) if isinstance(regex, str) else regex
        self._ignorecase = bool(self.regex.flags & re.IGNORECASE)
        self._needles: frozenset[str] | None = None
        self._short: tuple[str, ...] = ()
        self._ident = -1
        self._ready = False
        _pending.append(self)
        _made.append(self)

    def _derive(self) -> None:
        found = derived_or_shipped(self.regex)
        if found and self._ignorecase:
            # A non-ASCII letter can fold onto an ASCII one (the long s onto s): no needles.
            ascii_only = all(n.isascii() for n in found)
            found = frozenset(map(str.lower, found)) if ascii_only else None
        by_gram = [n for n in found or () if not self._ignorecase and len(n) >= GRAM]
        self._needles = found
        self._short = tuple(sorted(n for n in found or () if n not in by_gram))
        self._ident = _register(by_gram) if by_gram else -1
        self._ready = True  # last: another thread may read the fields as soon as it is set

    @property
    def needles(self) -> frozenset[str] | None:
        if not self._ready:
            prepare()
        return self._needles

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def may_match(self, text: str) -> bool:
        """False only when the regex cannot match anywhere in `text`."""
        if not self._ready:
            prepare()
        if self._needles is None:
            return True
        if self._ignorecase:
            if not text.isascii():
                return True
            text = text.lower()
        if self._ident >= 0 and self._ident in _passing(text):
            return True
        return any(map(text.__contains__, self._short))

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if self.may_match(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text) if self.may_match(text) else iter(())

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str) -> str:
        return self.regex.sub(repl, text) if self.may_match(text) else text
