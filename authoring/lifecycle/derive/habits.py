"""Who works with whom: the bodies real province documents name together, proposed beside a draft's own (habits.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ...paths import PLANS_DIR

HABITS = PLANS_DIR / "registry" / "habits.json"


@dataclass(frozen=True)
class Proposal:
    """A body proposed because documents naming *given* also name it: in *together* of the *among* that name *given*."""

    agency: str
    share: float
    given: str
    together: int
    among: int
    agree: int = 1   # how many of the draft's bodies each propose it


@dataclass(frozen=True)
class Habits:
    """How many of the corpus's documents name each body, and each pair of bodies (keyed "a|b", a < b)."""

    documents: int
    bodies: dict[str, int]
    pairs: dict[str, int]
    min_share: float
    min_support: int
    min_agree: int
    alpha: float
    enabled: bool
    duty: str
    source: str
    peer_share: float | None = None   # a neighbour's body (same parent) is proposed from this share; None: never

    def support(self, body: str, known: list[str]) -> Proposal | None:
        """The strongest reason the documents give for *body* beside *known* (any share), or None."""
        best = None
        for given in sorted(set(known)):
            among = self.bodies.get(given, 0)
            if among < self.min_support or given == body:
                continue
            count = self.together(given, body)
            share = (count + self.alpha * self.bodies.get(body, 0) / self.documents) / (among + self.alpha)
            if best is None or share > best.share:
                best = Proposal(body, round(share, 3), given, count, among)
        return best

    def together(self, a: str, b: str) -> int:
        return self.pairs.get(f"{a}|{b}" if a < b else f"{b}|{a}", 0)

    def propose(self, known: list[str]) -> list[Proposal]:
        """The bodies not in *known* that the documents naming one of *known* (at least min_support of them) also name,
        in a smoothed share (toward the body's share of all documents) of at least min_share, for at least min_agree
        of *known*; the strongest reason for each, strongest first."""
        best: dict[str, Proposal] = {}
        agree: dict[str, int] = {}
        for given in sorted(set(known)):
            among = self.bodies.get(given, 0)
            if among < self.min_support:
                continue
            for body, alone in sorted(self.bodies.items()):
                if body in known:
                    continue
                count = self.together(given, body)
                share = (count + self.alpha * alone / self.documents) / (among + self.alpha)
                if share < self.min_share:
                    continue
                agree[body] = agree.get(body, 0) + 1
                if body not in best or share > best[body].share:
                    best[body] = Proposal(body, round(share, 3), given, count, among)
        return sorted((Proposal(p.agency, p.share, p.given, p.together, p.among, agree[p.agency])
                       for p in best.values() if agree[p.agency] >= self.min_agree), key=lambda p: (-p.share, p.agency))


def table(sets: list[set[str]]) -> tuple[dict[str, int], dict[str, int]]:
    """Per body, the documents naming it; per pair of bodies ("a|b", a < b), the documents naming both."""
    bodies: dict[str, int] = {}
    pairs: dict[str, int] = {}
    for found in sets:
        ordered = sorted(found)
        for i, a in enumerate(ordered):
            bodies[a] = bodies.get(a, 0) + 1
            for b in ordered[i + 1:]:
                pairs[f"{a}|{b}"] = pairs.get(f"{a}|{b}", 0) + 1
    return dict(sorted(bodies.items())), dict(sorted(pairs.items()))


@lru_cache(maxsize=4)
def load_habits(path: str = str(HABITS)) -> Habits | None:
    """The habits of the corpus, or None when the file is absent (derive then proposes none)."""
    file = Path(path)
    if not file.is_file():
        return None
    data = json.loads(file.read_text(encoding="utf-8"))
    use = data["use"]
    source = data["source"]
    return Habits(int(source["documents"]), {k: int(v) for k, v in data["bodies"].items()},
                  {k: int(v) for k, v in data["pairs"].items()}, float(use["min_share"]), int(use["min_support"]),
                  int(use.get("min_agree", 1)), float(use["alpha"]), bool(use["enabled"]), data["duty"],
                  f"{source['documents']} văn bản của UBND cấp tỉnh, {source['repository']}",
                  None if use.get("peer_share") is None else float(use["peer_share"]))
