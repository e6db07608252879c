"""Benchmark: how many of a real plan's bodies `derive --peer` reads from its text (tune plans only).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/derive_peer_reading.py

For every tune pair's real plan (child.txt): the bodies read_peer finds (split as translate splits them, kept when the
registry knows them) against the bodies written by hand in its expected.yaml (those the registry knows): recall and
precision per plan and on average. Held-out plans are never read.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from authoring.lifecycle.derive.peer import _PARTS, read_peer  # noqa: E402
from authoring.lifecycle.pairs import agency_key, load_pairs, mean  # noqa: E402
from authoring.loading import load_registry  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "derive_pairs"


def known(registry, names) -> set[str]:
    """The registry ids of *names*, a composite name split as derive's translate splits it."""
    found = set()
    for name in names:
        key = agency_key(registry, name)
        found.update([key] if not key.startswith("~") else [agency_key(registry, p) for p in _PARTS.split(name)])
    return {k for k in found if not k.startswith("~")}


def main() -> int:
    registry = load_registry()
    recalls, precisions = [], []
    for pair in load_pairs(ROOT).values():
        if pair.split != "tune" or pair.text is None or not pair.text.is_file():
            continue
        read = known(registry, read_peer(pair.text).names)
        wanted = known(registry, [name for name, _ in pair.agencies])
        hit = read & wanted
        recalls.append(len(hit) / len(wanted) if wanted else None)
        precisions.append(len(hit) / len(read) if read else None)
        print(f"{pair.id}: đọc được {len(hit)}/{len(wanted)}, thêm {len(read - hit)}; thiếu {', '.join(sorted(wanted - read)) or '—'}")
    print(f"trung bình: thu hồi {100 * mean(recalls):.0f} %, chính xác {100 * mean(precisions):.0f} % "
          f"({len(recalls)} kế hoạch tune)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
