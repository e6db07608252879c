"""Benchmark: `check` time for the example plans and for a generated 500-item plan under a 200-item parent.

    .venv/bin/python benchmarks/check.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ruamel.yaml import YAML  # noqa: E402

from authoring.paths import EXAMPLES_DIR  # noqa: E402
from authoring.rules.check import run_check  # noqa: E402
from synthetic import synthetic_plan  # noqa: E402


def linked_pair(folder: Path, parent_items: int, child_items: int) -> Path:
    """A provincial parent and a commune child whose items link to the parent's."""
    parent = synthetic_plan(parent_items)
    parent["id"] = "tinh-tong-hop"
    for block in parent["sections"][2]["blocks"]:
        if block["agency"] == "ubnd-cap-xa":
            break
    child = synthetic_plan(child_items)
    child["id"] = "xa-tong-hop"
    child["document"].update({"issuer": {"agency": "ubnd-xa", "name": "Ủy ban nhân dân xã Hòa Bình",
                                         "header": ["ỦY BAN NHÂN DÂN", "XÃ HÒA BÌNH"]}, "level": "xa"})
    child["implements"] = ["parent.yaml"]
    parent_targets = [t["targets"][0]["id"] for t in parent["sections"][0]["blocks"]]
    for i, block in enumerate(child["sections"][0]["blocks"]):
        block["targets"][0]["links"] = [{"ref": f"tinh-tong-hop#{parent_targets[i % len(parent_targets)]}"}]
    parent_tasks = [t["id"] for t in parent["sections"][1]["blocks"]]
    for i, block in enumerate(child["sections"][1]["blocks"]):
        block["task"]["links"] = [{"ref": f"tinh-tong-hop#{parent_tasks[i % len(parent_tasks)]}"}]
    yaml = YAML()
    with open(folder / "parent.yaml", "w", encoding="utf-8") as handle:
        yaml.dump(parent, handle)
    with open(folder / "child.yaml", "w", encoding="utf-8") as handle:
        yaml.dump(child, handle)
    return folder / "child.yaml"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plans = sorted(EXAMPLES_DIR.glob("*.yaml")) + [linked_pair(Path(tmp), 200, 500)]
        run_check(plans[0])  # warm the registry cache, as a long-running session would
        print(f"{'kế hoạch':45} {'kiểm tra (s)':>13} {'phát hiện':>10}")
        for path in plans:
            times, count = [], 0
            for _ in range(args.repeat):
                start = time.perf_counter()
                report = run_check(path)
                times.append(time.perf_counter() - start)
                count = len(report.index)
            name = path.stem if path.parent == EXAMPLES_DIR else "tổng hợp 500 mục / cấp trên 200 mục"
            print(f"{name:45} {statistics.median(times):13.3f} {count:10d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
