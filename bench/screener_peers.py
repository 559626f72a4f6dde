"""TheraLab's default screener beside other people's crisis detectors, on data none of them
was tuned on.

Issue 11 named the peers a user would otherwise reach for, all on the package registry: three
keyword detectors (pantheon-guardrails, rrt-advocate, cogno-aegis) and a small LSTM classifier
(suicide-text-predictor). This bench installs them, pinned, into a cache folder of its own
(`~/.cache/theralab-bench/`, never into the project's environment; `pip` needs the package
registry the first time) and runs every detector on the same texts:

1. **C-SSRS Reddit users** (clinician-labelled; `../shared/data/cssrs_reddit/`, research data:
   read here, nothing copied). Only the **FROZEN** users (one in five by hash, never trained
   or tuned on by TheraLab) are a fair comparison: the others trained the learned tier, so
   its figure for them is the grouped cross-validation figure recorded at training time,
   printed apart. A user counts as escalated when the detector flags any of their posts
   (TheraLab: `theralab screen` on the user's posts, `moderate` or above). Asked: do users
   labelled Ideation / Behavior / Attempt get flagged, and do Supportive users (who write
   to support others) not?
2. **Messages never trained on**: `data/screener_batch4/` and `data/screener_challenge/`,
   written for TheraLab with hard negatives in the same topics (history, denial, humour,
   worried friends, supporters); each message alone: high+imminent messages flagged and
   `none` messages flagged.
3. **aipsy-bench v1** (Keido Labs, CC BY 4.0, read from its wheel, which this bench downloads:
   20 scripted conversations of 10 user turns, two of them crisis scenarios — passive
   ideation, self-harm intent — and 18 ordinary ones: job loss, low mood, grief, panic
   attacks, loneliness, companionship, coaching). Never tuned on. Every turn is screened in
   order as one conversation (risk persists, as in the guardrail), and alone. Printed: the
   crisis scenarios' turns flagged and the turn at which each is first flagged; the ordinary
   conversations flagged (a crisis takeover in a conversation that needed none) and their
   turns flagged.

    .venv/bin/python bench/screener_peers.py [--sensitivity high|balanced|ask|ask-moderate]
        [--skip-lstm]
"""

from __future__ import annotations

import argparse
import importlib
import io
import logging
import pickle
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from theralab.safety import RiskLevel, Screener, default_screener
from theralab.safety.aggregate import screen_posts
from theralab.safety.corpus import (
    CssrsUser,
    LabelledMessage,
    cssrs_default_path,
    is_frozen,
    load_corpus,
    read_cssrs,
)
from theralab.safety.semantic import SemanticTier, Sensitivity, semantic_available

CACHE = Path.home() / ".cache" / "theralab-bench"
PEERS = ("pantheon-guardrails==0.3.2", "rrt-advocate==0.1.1", "cogno-aegis==0.1.0")
LSTM = "suicide-text-predictor==0.2.4"
AIPSY = "aipsy-bench==0.1.5"

Flag = Callable[[str], bool]


def _pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "--quiet", *args]
    if subprocess.run(command).returncode != 0:
        sys.exit(
            f"error: could not {args[0]} {' '.join(a for a in args if '==' in a)} (pip needs "
            "the package registry the first time; see pip's message above)"
        )


def peer_folder(skip_lstm: bool) -> Path:
    """The peers' packages, installed once (pinned, without their dependencies: the keyword
    detectors need only pydantic and PyYAML, which the project has; the LSTM's torch and
    torchtext pins are not installed — its weights load in the project's torch)."""
    folder = CACHE / "peers"
    wanted = [*PEERS] if skip_lstm else [*PEERS, LSTM]
    stamp = folder / ".installed"
    have = set(stamp.read_text().split()) if stamp.is_file() else set()
    missing = [p for p in wanted if p not in have]
    if missing:
        print(f"installing {', '.join(missing)} into {folder}", file=sys.stderr)
        _pip("install", "--no-deps", "--target", str(folder), "--upgrade", *missing)
        stamp.write_text("\n".join(sorted(have | set(missing))))
    return folder


def aipsy_wheel() -> Path:
    """The aipsy-bench wheel (it needs Python ≥ 3.12 to install; its data is read as a zip)."""
    folder = CACHE / "aipsy"
    found = sorted(folder.glob("aipsy_bench-0.1.5-*.whl"))
    if not found:
        print(f"downloading {AIPSY} into {folder}", file=sys.stderr)
        _pip(
            "download", AIPSY, "--no-deps", "--only-binary=:all:", "--python-version", "3.12",
            "--dest", str(folder),
        )  # fmt: skip
        found = sorted(folder.glob("aipsy_bench-0.1.5-*.whl"))
    return found[0]


# ----------------------------------------------------------------------------- the peers


def pantheon() -> Flag:
    protocol = importlib.import_module("pantheon_guardrails.crisis").CrisisProtocol()
    return lambda text: bool(protocol.check(text).triggered)


def rrt_advocate() -> Flag:
    """rrt-advocate's three layers and assessor; flagged at its `high` level or above (its
    ladder: stable, elevated, high, critical, emergency). One detector, reset before each
    user or conversation (`flag.reset`), so its sliding-window layers see one person's texts."""
    detector_mod = importlib.import_module("rrt_advocate.crisis_detector")
    assessor_mod = importlib.import_module("rrt_advocate.crisis_assessor")
    types_mod = importlib.import_module("rrt_advocate.types")
    order = list(types_mod.CrisisLevel)
    high = order.index(types_mod.CrisisLevel.ORANGE)
    detector = detector_mod.CrisisDetector(sentiment_analyzer=None)
    assessor = assessor_mod.CrisisAssessor("bench")

    def flag(text: str) -> bool:
        level = assessor.assess_crisis(detector.detect_crisis_indicators(text)).crisis_level
        return order.index(level) >= high

    flag.reset = detector.reset_session  # type: ignore[attr-defined]
    return flag


def cogno_aegis() -> Flag:
    """cogno-aegis's InputGuard with the package's own default crisis rules."""
    guard_mod = importlib.import_module("cogno_aegis.input_guard")
    safety = importlib.import_module("cogno_aegis.safety")
    guard = guard_mod.InputGuard(crisis_rules=safety.DEFAULT_CRISIS_RULES)
    logging.getLogger("cogno_aegis").setLevel(logging.ERROR)  # it logs every detection
    return lambda text: not guard.check_crisis(text).ok


class _TorchtextVocab:
    """Stands in for torchtext's C++ vocabulary when unpickling: keeps its token list."""

    def __setstate__(self, state: Any) -> None:
        self.tokens: list[str] = list(state[2])


class _TorchtextModule:
    def __setstate__(self, state: dict[str, Any]) -> None:
        self.vocab = state["vocab"]


class _VocabUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "torchtext._torchtext" and name == "Vocab":
            return _TorchtextVocab
        if module == "torchtext.vocab.vocab" and name == "Vocab":
            return _TorchtextModule
        return super().find_class(module, name)


def suicide_text_predictor(folder: Path) -> Flag:
    """The package's bidirectional LSTM and vocabulary, run as its `predict_tweet` does
    (lower-case, links and handles stripped, punctuation dropped, basic-English tokens, padded
    to 512), in the project's torch: its torchtext pin does not install beside torch 2.13, so
    its vocabulary is read from the pickle without torchtext."""
    import torch
    from torch import nn

    package = folder / "suicide_text_predictor"
    vocab_zip = zipfile.ZipFile(package / "vocab.pth")
    data = vocab_zip.read(next(n for n in vocab_zip.namelist() if n.endswith("data.pkl")))
    tokens = _VocabUnpickler(io.BytesIO(data)).load().vocab.tokens
    index = {t: i for i, t in enumerate(tokens)}
    unk, pad = index["<unk>"], index["<pad>"]

    class Lstm(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(len(tokens), 256, padding_idx=1)
            self.lstm = nn.LSTM(256, 128, num_layers=2, batch_first=True, bidirectional=True)
            self.fc = nn.Linear(256, 2)

        def forward(self, ids: Any) -> Any:
            _, (hidden, _) = self.lstm(self.embedding(ids))
            return self.fc(torch.cat((hidden[-2], hidden[-1]), dim=1))

    model = Lstm()
    state = torch.load(package / "text_prediction.pt", map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    model.eval()

    def ids(text: str) -> list[int]:
        text = re.sub(r"http\S+|www.\S+", "", text.lower())
        text = re.sub(r"@\w+", "@user", text)
        text = re.sub(r"[^\w\s]", "", text)
        out = [index.get(t, unk) for t in _basic_english(text)][:512]
        return out + [pad] * (512 - len(out))

    def flag(text: str) -> bool:
        with torch.no_grad():
            logits = model(torch.tensor([ids(text)], dtype=torch.long))
        return int(logits.argmax(dim=1).item()) == 1

    return flag


def _basic_english(text: str) -> list[str]:
    """torchtext's `basic_english` tokenizer: punctuation split off, then whitespace."""
    for pattern, repl in (
        (r"\'", " '  "), (r"\"", ""), (r"\.", " . "), (r"<br \/>", " "), (r",", " , "),
        (r"\(", " ( "), (r"\)", " ) "), (r"\!", " ! "), (r"\?", " ? "), (r"\;", " "),
        (r"\:", " "), (r"\s+", " "),
    ):  # fmt: skip
        text = re.sub(pattern, repl, text)
    return text.split()


# ----------------------------------------------------------------------------- C-SSRS users


@dataclass
class UserFigures:
    at_risk: int
    at_risk_flagged: int
    supportive: int
    supportive_flagged: int

    def line(self, name: str) -> str:
        recall = self.at_risk_flagged / max(1, self.at_risk)
        false = self.supportive_flagged / max(1, self.supportive)
        return (
            f"  {name:<34} at-risk flagged {recall:.3f} ({self.at_risk_flagged}/{self.at_risk})"
            f"   Supportive flagged {false:.3f} ({self.supportive_flagged}/{self.supportive})"
        )


def user_figures(users: Sequence[CssrsUser], flagged: Callable[[CssrsUser], bool]) -> UserFigures:
    at_risk = [u for u in users if u.at_risk]
    supportive = [u for u in users if u.label == "Supportive"]
    return UserFigures(
        len(at_risk),
        sum(flagged(u) for u in at_risk),
        len(supportive),
        sum(flagged(u) for u in supportive),
    )


def peer_user(flag: Flag) -> Callable[[CssrsUser], bool]:
    def flagged(user: CssrsUser) -> bool:
        _reset(flag)
        return any(flag(post) for post in user.posts)

    return flagged


def ours_user(screener: Screener) -> Callable[[CssrsUser], bool]:
    return lambda user: screen_posts(screener, user.posts).level.at_least(RiskLevel.MODERATE)


# ----------------------------------------------------------------------------- aipsy-bench


@dataclass
class Scenario:
    id: str
    crisis: bool
    turns: list[str]


def aipsy_scenarios(wheel: Path) -> list[Scenario]:
    out = []
    with zipfile.ZipFile(wheel) as z:
        names = sorted(
            n
            for n in z.namelist()
            if re.search(r"data/v1/scenarios/[^_/][^/]*\.yaml$", n)  # not `_reserved/`
        )
        for name in names:
            for s in yaml.safe_load(z.read(name))["scenarios"]:
                turns = [t["message"] for t in sorted(s["turns"], key=lambda t: t["turn"])]
                out.append(Scenario(str(s["id"]), bool(s.get("crisis")), turns))
    return out


def ours_turns(screener: Screener, turns: Sequence[str]) -> tuple[list[bool], list[bool]]:
    """Per turn: at ≥ moderate in its conversation (risk persisting) and alone."""
    conversation = screener.conversation()
    in_order = [conversation.screen(t).level.at_least(RiskLevel.MODERATE) for t in turns]
    alone = [screener.assess(t).level.at_least(RiskLevel.MODERATE) for t in turns]
    return in_order, alone


def _reset(flag: Flag) -> None:
    reset = getattr(flag, "reset", None)
    if reset is not None:
        reset()


def alone(flag: Flag, text: str) -> bool:
    """A peer's verdict on one text with no history (rrt-advocate keeps a window)."""
    _reset(flag)
    return flag(text)


def peer_turns(flag: Flag, turns: Sequence[str]) -> tuple[list[bool], list[bool]]:
    """Per turn: flagged by now in its conversation (the peer's own memory, if any, on), and
    flagged alone."""
    each = [alone(flag, t) for t in turns]
    _reset(flag)
    seen, in_order = False, []
    for t in turns:
        seen = flag(t) or seen
        in_order.append(seen)
    return in_order, each


def aipsy_line(
    name: str, scenarios: Sequence[Scenario], run: Callable[[Sequence[str]], Any]
) -> str:
    crisis_alone = crisis_turns = 0
    first: list[str] = []
    ordinary_flagged = ordinary_turns_alone = ordinary_turns = 0
    for s in scenarios:
        in_order, alone = run(s.turns)
        if s.crisis:
            crisis_turns += len(s.turns)
            crisis_alone += sum(alone)
            first.append(f"{s.id}:{in_order.index(True) + 1 if any(in_order) else '-'}")
        else:
            ordinary_turns += len(s.turns)
            ordinary_turns_alone += sum(alone)
            ordinary_flagged += any(in_order)
    ordinary = sum(not s.crisis for s in scenarios)
    return (
        f"  {name:<34} crisis turns flagged alone {crisis_alone:>2}/{crisis_turns}, first "
        f"flagged at turn {' '.join(first)} | ordinary conversations taken over "
        f"{ordinary_flagged:>2}/{ordinary}, their turns flagged alone "
        f"{ordinary_turns_alone}/{ordinary_turns}"
    )


# ----------------------------------------------------------------------------- messages

# Written sets that no TheraLab tier was trained on (their own READMEs say so): every group
# counts, development and frozen alike, since nothing was tuned on them for the learned tier.
NEVER_TRAINED = ("screener_batch4", "screener_challenge")


def message_line(name: str, labelled: Sequence[LabelledMessage], flags: Sequence[bool]) -> str:
    risky = [f for m, f in zip(labelled, flags, strict=True) if m.level.rank >= 3]
    calm = [f for m, f in zip(labelled, flags, strict=True) if m.level is RiskLevel.NONE]
    return (
        f"  {name:<34} high+imminent flagged {sum(risky) / max(1, len(risky)):.3f} "
        f"(of {len(risky)})   `none` flagged {sum(calm) / max(1, len(calm)):.3f} "
        f"(of {len(calm)})"
    )


# ----------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cssrs", type=Path, default=cssrs_default_path())
    parser.add_argument("--sensitivity", choices=[s.value for s in Sensitivity], default="high")
    parser.add_argument("--skip-lstm", action="store_true", help="leave out the LSTM peer")
    args = parser.parse_args()
    if not semantic_available():
        sys.exit("needs the learned tier: pip install -e '.[semantic]'")
    folder = peer_folder(args.skip_lstm)
    sys.path.insert(0, str(folder))
    peers: dict[str, Flag] = {
        "pantheon-guardrails 0.3.2": pantheon(),
        "rrt-advocate 0.1.1 (>= high)": rrt_advocate(),
        "cogno-aegis 0.1.0": cogno_aegis(),
    }
    if not args.skip_lstm:
        peers["suicide-text-predictor 0.2.4 (LSTM)"] = suicide_text_predictor(folder)
    screener = default_screener(sensitivity=args.sensitivity)
    ours = f"TheraLab default ({args.sensitivity})"

    if args.cssrs.is_file():
        users = read_cssrs(args.cssrs)
        frozen = [u for u in users if is_frozen(f"cssrs:{u.user}")]
        print(
            f"C-SSRS Reddit users: {len(users)}; FROZEN (never trained or tuned on by "
            f"TheraLab) {len(frozen)}. Flagged = any post flagged (TheraLab: >= moderate)."
        )
        print("\n[FROZEN users: the fair comparison]")
        print(user_figures(frozen, ours_user(screener)).line(ours))
        for name, flag in peers.items():
            print(user_figures(frozen, peer_user(flag)).line(name))
        print("\n[all development users: the peers never saw them; TheraLab trained on them]")
        for name, flag in peers.items():
            print(user_figures(users, peer_user(flag)).line(name))
        key = Sensitivity(args.sensitivity).thresholds  # `ask…` screens at `high`'s
        head = SemanticTier().weights["validation"].get(key, {}).get("cssrs_person_head", {})
        cv = head.get("dev_cv_users")
        if cv:
            print(
                f"  {'TheraLab default (' + key + '), CV by user':<34} at-risk flagged "
                f"{cv['at_risk_reach_moderate_plus']:.3f} (of {cv['at_risk_users']})   "
                f"Supportive flagged {cv['supportive_escalated']:.3f} (of "
                f"{cv['supportive_users']}): recorded at training, out of fold"
            )
    else:
        print(f"(no C-SSRS data at {args.cssrs}: that part skipped)")

    data = Path(__file__).resolve().parent.parent / "data"
    for folder in NEVER_TRAINED:
        if not (data / folder).is_dir():
            continue
        labelled = load_corpus(data / folder, legacy=False)
        texts = [m.text for m in labelled]
        print(
            f"\n{folder}: {len(labelled)} messages written for TheraLab and never trained on "
            "(topic-matched hard negatives); flagged = TheraLab >= moderate, each message alone"
        )
        found = screener.assess_batch(texts)
        print(message_line(ours, labelled, [a.level.at_least(RiskLevel.MODERATE) for a in found]))
        for name, flag in peers.items():
            print(message_line(name, labelled, [alone(flag, t) for t in texts]))

    scenarios = aipsy_scenarios(aipsy_wheel())
    crisis = sum(s.crisis for s in scenarios)
    print(
        f"\naipsy-bench v1 (CC BY 4.0, Keido Labs): {len(scenarios)} conversations, "
        f"{crisis} crisis scenarios; never tuned on. Flagged = TheraLab >= moderate; in a "
        "conversation, risk persists."
    )
    print(aipsy_line(ours, scenarios, lambda turns: ours_turns(screener, turns)))
    for name, flag in peers.items():
        print(aipsy_line(name, scenarios, lambda turns, f=flag: peer_turns(f, turns)))


if __name__ == "__main__":
    main()
