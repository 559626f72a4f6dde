"""Ratings from pairwise verdicts: Bradley–Terry (on the Elo scale) and online Elo, with CIs.

A verdict is `(a, b, score)` where `score` is 1 when `a` won, 0 when `b` won and 0.5 for a tie.
Bradley–Terry strengths are fitted with Hunter's (2004) MM algorithm; a tie counts half a
win to each side, and a weak prior (one virtual tie between every pair) keeps a player who
won everything finite. Strengths are reported on the Elo scale (400·log10), centred on 1000.
Confidence intervals come from a bootstrap over verdicts.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

Verdict = tuple[str, str, float]

ELO_CENTRE = 1000.0
ELO_SCALE = 400.0


def bradley_terry(
    verdicts: Sequence[Verdict],
    players: Sequence[str] | None = None,
    prior: float = 0.5,
    iterations: int = 500,
    tol: float = 1e-10,
) -> dict[str, float]:
    """Elo-scale Bradley–Terry ratings (mean 1000)."""
    names = list(players) if players else sorted({p for a, b, _ in verdicts for p in (a, b)})
    if not names:
        return {}
    idx = {p: i for i, p in enumerate(names)}
    k = len(names)
    wins = [[0.0] * k for _ in range(k)]  # wins[i][j]: i's (half-)wins over j
    for a, b, s in verdicts:
        i, j = idx[a], idx[b]
        wins[i][j] += s
        wins[j][i] += 1.0 - s
    for i in range(k):
        for j in range(k):
            if i != j:
                wins[i][j] += prior / 2
    games = [[wins[i][j] + wins[j][i] for j in range(k)] for i in range(k)]
    p = [1.0] * k
    for _ in range(iterations):
        new = []
        for i in range(k):
            w = sum(wins[i][j] for j in range(k) if j != i)
            den = sum(games[i][j] / (p[i] + p[j]) for j in range(k) if j != i and games[i][j])
            new.append(w / den if den else p[i])
        log_mean = sum(math.log(x) for x in new) / k
        new = [x / math.exp(log_mean) for x in new]
        delta = max(abs(a - b) for a, b in zip(new, p, strict=True))
        p = new
        if delta < tol:
            break
    return {n: ELO_CENTRE + ELO_SCALE * math.log10(p[idx[n]]) for n in names}


def online_elo(
    verdicts: Sequence[Verdict],
    players: Sequence[str] | None = None,
    k_factor: float = 16.0,
    shuffles: int = 50,
    seed: int = 0,
) -> dict[str, float]:
    """Classic sequential Elo, averaged over shuffled orders (it depends on the order)."""
    names = list(players) if players else sorted({p for a, b, _ in verdicts for p in (a, b)})
    rng = random.Random(seed)
    totals = dict.fromkeys(names, 0.0)
    order = list(verdicts)
    for _ in range(max(1, shuffles)):
        rng.shuffle(order)
        r = dict.fromkeys(names, ELO_CENTRE)
        for a, b, s in order:
            expected = 1.0 / (1.0 + 10 ** ((r[b] - r[a]) / ELO_SCALE))
            r[a] += k_factor * (s - expected)
            r[b] -= k_factor * (s - expected)
        for n in names:
            totals[n] += r[n]
    return {n: totals[n] / max(1, shuffles) for n in names}


@dataclass(frozen=True)
class Rating:
    player: str
    rating: float
    low: float
    high: float
    elo: float
    wins: float
    losses: float
    ties: int
    games: int

    def as_dict(self) -> dict[str, float | int | str]:
        return {
            "player": self.player,
            "rating": round(self.rating, 1),
            "low": round(self.low, 1),
            "high": round(self.high, 1),
            "elo": round(self.elo, 1),
            "wins": self.wins,
            "losses": self.losses,
            "ties": self.ties,
            "games": self.games,
        }


def leaderboard(
    verdicts: Sequence[Verdict], bootstrap: int = 200, seed: int = 0, level: float = 0.95
) -> list[Rating]:
    """Players ordered by Bradley–Terry rating, with bootstrap intervals and online Elo."""
    players = sorted({p for a, b, _ in verdicts for p in (a, b)})
    if not players:
        return []
    point = bradley_terry(verdicts, players)
    elo = online_elo(verdicts, players, seed=seed)
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {p: [] for p in players}
    for _ in range(bootstrap):
        resampled = [verdicts[rng.randrange(len(verdicts))] for _ in verdicts]
        fitted = bradley_terry(resampled, players, iterations=200)
        for p in players:
            samples[p].append(fitted[p])
    tail = (1 - level) / 2
    out = []
    for p in players:
        s = sorted(samples[p]) or [point[p]]
        lo = s[int(tail * (len(s) - 1))]
        hi = s[round((1 - tail) * (len(s) - 1))]
        won = sum(v for a, b, v in verdicts if a == p) + sum(
            1 - v for a, b, v in verdicts if b == p
        )
        games = sum(p in (a, b) for a, b, _ in verdicts)
        ties = sum(p in (a, b) and v == 0.5 for a, b, v in verdicts)
        out.append(
            Rating(
                player=p,
                rating=point[p],
                low=lo,
                high=hi,
                elo=elo[p],
                wins=won - ties / 2,
                losses=games - won - ties / 2,
                ties=ties,
                games=games,
            )
        )
    return sorted(out, key=lambda r: -r.rating)
