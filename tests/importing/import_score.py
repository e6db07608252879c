"""How much of a hand-made plan's structured content an imported plan recovers (per category and overall)."""

from __future__ import annotations

from collections import Counter

from authoring.render.json import plan_to_json
from authoring.text import match_key


def _multiset_match(expected: list, got: list) -> int:
    return sum((Counter(expected) & Counter(got)).values())


def structured(data: dict) -> dict[str, list]:
    duties = Counter(d["agency"] for d in data["duties"])
    sig = data["signature"] or {"authority": [], "positions": [], "name": ""}
    return {
        "targets": [round(t["value"], 3) for t in data["targets"] if t["value"] is not None],
        "duties": [f"{agency}#{i}" for agency, n in duties.items() for i in range(n)],
        "deadlines": [f"{r['period']} {r['due']}" for r in data["reporting"]],
        "citations": [match_key(c["code"]) for c in data["bases"] + data["references"] if c["code"]],
        "recipients": [match_key(line.rstrip(";.")) for line in data["recipients"]],
        "signature": [*sig["authority"], *sig["positions"], sig["name"]],
    }


def score(expected_loaded, imported_loaded) -> tuple[float, dict[str, tuple[int, int]]]:
    expected = structured(plan_to_json(expected_loaded))
    got = structured(plan_to_json(imported_loaded))
    # Items found that the hand-made plan does not have count against the score as well (max of both sizes).
    per = {k: (_multiset_match(expected[k], got[k]), max(len(expected[k]), len(got[k]))) for k in expected}
    matched = sum(m for m, _ in per.values())
    total = sum(t for _, t in per.values())
    return (matched / total if total else 1.0), per
