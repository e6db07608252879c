"""Benchmark: derive on real parent → child pairs, against the neighbour's real plan used as the draft.

    .venv/bin/python benchmarks/derive_pairs.py [--details] [--split tune] [--pairs tests/fixtures/derive_pairs]

For every pair of tests/fixtures/derive_pairs/ (tune, holdout and holdout2 printed apart): `derive` (the library function) on
the parent directive for the child's unit and day; then, against the facts written by hand from the real child plan,
agency recall and precision (through the registry, at the child's level), linked targets and reporting dues found.
The same for each neighbour's real plan (another province implementing the same parent) used as the draft, and for
the draft derived with that neighbour's real plan as `--peer` (several neighbours: the mean of each used alone).
On tune, a pair with no neighbour uses its proxy neighbours (expected.yaml, proxy_neighbours) for the draft + neighbour
columns (--proxies-as-same: read as plans of the same parent, as the held-out neighbours are), and two halves of
the scorable pairs split by field are averaged apart: a rule generalises when neither falls.
--details lists, for tune pairs only, the agencies missed and added (holdout and holdout2 stay aside).
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from authoring.errors import KehoachError  # noqa: E402
from authoring.lifecycle.derive import derive  # noqa: E402
from authoring.lifecycle.derive.peer import Peer  # noqa: E402
from authoring.lifecycle.pairs import (HELD_OUT, SPLITS, Pair, Score, load_pairs, mean, score_draft,  # noqa: E402
                                       score_neighbour)
from authoring.loading import load_plan, load_plan_or_raise, load_registry  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "derive_pairs"


def draft_of(pair: Pair, folder: Path, peer: Path | None = None):
    """The draft derive writes for the pair's unit and day (or year, for a derive that takes no day), with a
    neighbour's real plan as evidence when *peer* is given (derive --peer)."""
    parents = [load_plan_or_raise(p) for p in pair.directives]
    wanted = inspect.signature(derive).parameters
    extra = {"day": pair.day} if "day" in wanted else {}
    if peer is not None:
        extra["peer"] = peer
    text, _ = derive(parents, pair.unit, None, 5, pair.day.year, **extra)
    out = folder / f"{pair.id}{'-' + peer.parent.name if peer else ''}.yaml"
    out.write_text(text, encoding="utf-8")
    loaded, _ = load_plan(out)
    return loaded


def pct(value) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def frac(share) -> str:
    return "—" if not share.expected else f"{share.hit}/{share.expected}"


def neighbours_mean(scores: list[Score]):
    """Recall, precision, targets and dues of the neighbours' plans, averaged over the neighbours."""
    if not scores:
        return None
    return (mean(s.agencies.recall for s in scores), mean(s.agencies.precision for s in scores),
            f"{mean(s.targets.hit for s in scores):.1f}/{scores[0].targets.expected}" if scores[0].targets.expected else "—",
            f"{mean(s.dues.hit for s in scores):.1f}/{scores[0].dues.expected}" if scores[0].dues.expected else "—")


def with_peers(registry, pair: Pair, pairs: dict[str, Pair], folder: Path, proxies_as_same: bool = False):
    """Recall and precision of the draft derived with each neighbour's real plan as --peer, averaged over the
    neighbours (each used alone); on tune, a pair without one uses its proxy neighbours (expected.yaml,
    proxy_neighbours: plans of the same field and level implementing another parent), read as plans of the same
    parent when *proxies_as_same* (a simulation of the held-out pairs' neighbours); None without any at hand."""
    scores = []
    proxied = not pair.neighbours and pair.split not in HELD_OUT
    for name in pair.neighbours or (pair.proxies if pair.split not in HELD_OUT else ()):
        neighbour = pairs.get(name)
        if neighbour is None or neighbour.text is None or not neighbour.text.is_file():
            continue
        try:
            with patch.object(Peer, "implements", lambda self, parents: True) if proxied and proxies_as_same \
                    else nullcontext():
                scores.append(score_draft(registry, pair, draft_of(pair, folder, neighbour.text)))
        except Exception as exc:   # noqa: BLE001 — one neighbour kehoach cannot read is said, the run goes on
            print(f"(một kế hoạch láng giềng không dùng được: {type(exc).__name__})", file=sys.stderr)
    if not scores:
        return None
    return mean(s.agencies.recall for s in scores), mean(s.agencies.precision for s in scores)


def halves(chosen: list[Pair]) -> tuple[set[str], set[str]]:
    """Two halves of *chosen* by field (the words before a bracket or comma): fields by size, largest first, each to
    the half with fewer pairs so far; a rule generalises when it does not lower either half."""
    fields: dict[str, list[str]] = {}
    for pair in chosen:
        fields.setdefault(re.split(r"\s*[(,]", pair.field or pair.id)[0].strip(), []).append(pair.id)
    first: set[str] = set()
    second: set[str] = set()
    for _, ids in sorted(fields.items(), key=lambda item: (-len(item[1]), item[0])):
        (first if len(first) <= len(second) else second).update(ids)
    return first, second


def run(root: Path, details: bool, splits: tuple[str, ...] = SPLITS, proxies_as_same: bool = False) -> int:
    registry = load_registry()
    pairs = load_pairs(root)
    with tempfile.TemporaryDirectory() as tmp:
        for split in splits:
            chosen = [p for p in pairs.values() if p.split == split]
            print(f"\n## {split} ({len(chosen)} cặp)\n")
            print("| cặp | dự thảo: thu hồi | dự thảo: chính xác | dự thảo + láng giềng: thu hồi "
                  "| dự thảo + láng giềng: chính xác | láng giềng: thu hồi | láng giềng: chính xác "
                  "| chỉ tiêu liên kết (dự thảo / láng giềng) | hạn báo cáo (dự thảo / láng giềng) |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            draft_r, draft_p, near_r, near_p, peer_r, peer_p = [], [], [], [], [], []
            scored: dict[str, tuple] = {}   # pair → (draft recall, precision, with neighbour recall, precision)
            # (draft recall, draft precision, neighbour recall, neighbour precision, draft + neighbour recall,
            # draft + neighbour precision) where the draft and a neighbour both exist
            both = []
            for pair in chosen:
                note = ""
                score = None
                if not pair.directives:   # the named parents not yet written are said, so the gap can be filled
                    missing = f": thiếu {', '.join(Path(a).stem for a in pair.absent)}" if pair.absent else ""
                    note = f" (chưa có văn bản cấp trên dạng directive{missing})"
                else:   # derived from the parents at hand; those still missing are named
                    note = f" (thiếu {', '.join(Path(a).stem for a in pair.absent)})" if pair.absent else ""
                    try:
                        score = score_draft(registry, pair, draft_of(pair, Path(tmp)))
                    except KehoachError as exc:
                        note += f" (derive lỗi: {str(exc).splitlines()[0][:80]})"
                near = neighbours_mean([score_neighbour(registry, pair, pairs[n]) for n in pair.neighbours if n in pairs])
                helped = with_peers(registry, pair, pairs, Path(tmp), proxies_as_same) if score else None
                if helped:
                    peer_r.append(helped[0])
                    peer_p.append(helped[1])
                if score:
                    scored[pair.id] = (score.agencies.recall, score.agencies.precision) + (helped or (None, None))
                    draft_r.append(score.agencies.recall)
                    draft_p.append(score.agencies.precision)
                if near:
                    near_r.append(near[0])
                    near_p.append(near[1])
                if score and near:
                    both.append((score.agencies.recall, score.agencies.precision, near[0], near[1])
                                + (helped or (score.agencies.recall, score.agencies.precision)))
                print(f"| {pair.id}{note} | {pct(score.agencies.recall) if score else '—'} "
                      f"| {pct(score.agencies.precision) if score else '—'} "
                      f"| {pct(helped[0]) if helped else '—'} | {pct(helped[1]) if helped else '—'} "
                      f"| {pct(near[0]) if near else '—'} | {pct(near[1]) if near else '—'} "
                      f"| {frac(score.targets) if score else '—'} / {near[2] if near else '—'} "
                      f"| {frac(score.dues) if score else '—'} / {near[3] if near else '—'} |")
                if details and split not in HELD_OUT and score:
                    print(f"|   thiếu: {', '.join(score.missing) or '—'}; thêm: {', '.join(score.extra) or '—'} |||||||||")
            print(f"| **trung bình** | **{pct(mean(draft_r))}** | **{pct(mean(draft_p))}** | **{pct(mean(peer_r))}** "
                  f"| **{pct(mean(peer_p))}** | **{pct(mean(near_r))}** | **{pct(mean(near_p))}** | | |")
            if both:
                print(f"| **trung bình trên {len(both)} cặp đo được cả hai** | **{pct(mean(b[0] for b in both))}** "
                      f"| **{pct(mean(b[1] for b in both))}** | **{pct(mean(b[4] for b in both))}** "
                      f"| **{pct(mean(b[5] for b in both))}** | **{pct(mean(b[2] for b in both))}** "
                      f"| **{pct(mean(b[3] for b in both))}** | | |")
            if split not in HELD_OUT and scored:   # held-out splits show only their averages
                for index, half in enumerate(halves([p for p in chosen if p.id in scored]), 1):
                    rows = [scored[i] for i in sorted(half)]
                    peered = [r for r in rows if r[2] is not None]
                    print(f"| **nửa {index} ({len(rows)} cặp: {', '.join(sorted(half))})** "
                          f"| **{pct(mean(r[0] for r in rows))}** | **{pct(mean(r[1] for r in rows))}** "
                          f"| **{pct(mean(r[2] for r in peered))}** | **{pct(mean(r[3] for r in peered))}** | | | | |")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=ROOT, help="thư mục các cặp (mặc định tests/fixtures/derive_pairs)")
    parser.add_argument("--details", action="store_true", help="liệt kê cơ quan thiếu, thêm (chỉ các cặp tune; holdout, holdout2 không bao giờ)")
    parser.add_argument("--split", choices=SPLITS, action="append",
                        help="chỉ phần này (lặp lại được); mặc định cả ba")
    parser.add_argument("--proxies-as-same", action="store_true",
                        help="đọc láng giềng thay thế (tune) như kế hoạch cùng văn bản cấp trên: mô phỏng láng giềng của holdout")
    args = parser.parse_args()
    return run(args.pairs.resolve(), args.details, tuple(args.split or SPLITS), args.proxies_as_same)


if __name__ == "__main__":
    sys.exit(main())
