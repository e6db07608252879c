"""What the slowest saves of workspace_load.py --trace were made of, and what the machine's cores did meanwhile."""

from __future__ import annotations

import glob
import json
import os
import statistics
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError):
        return 0.0


def _children(pid: int) -> list[int]:
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(stat.split("/")[2]))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _machine_busy() -> float:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK   # all but idle and iowait


class Sampler:
    """Every *every* s: cores used by the whole machine, the servers, the load generator, PostgreSQL, the rest."""

    def __init__(self, servers: list[int], postgres_data: str | None, every: float = 0.25):
        self.servers = servers
        self.postmaster = None
        if postgres_data:
            try:
                with open(os.path.join(postgres_data, "postmaster.pid")) as f:
                    self.postmaster = int(f.readline())
            except OSError:
                pass
        self.every = every
        self.samples: list[dict] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _read(self) -> dict:
        postgres = [self.postmaster, *_children(self.postmaster)] if self.postmaster else []
        return {"t": time.time(), "machine": _machine_busy(), "servers": sum(_cpu_of(p) for p in self.servers),
                "generator": _cpu_of(os.getpid()), "postgres": sum(_cpu_of(p) for p in postgres),
                "pg_pids": postgres}

    def _run(self) -> None:
        last = self._read()
        while not self.stopped.wait(self.every):
            now = self._read()
            span = now["t"] - last["t"]
            # a backend that ended between two reads takes its CPU with it: count only the ones present in both
            kept = set(now["pg_pids"]) & set(last["pg_pids"])
            pg = sum(_cpu_of(p) for p in kept) - sum(last.get("pg_cpu", {}).get(p, 0.0) for p in kept)
            now["pg_cpu"] = {p: _cpu_of(p) for p in now["pg_pids"]}
            self.samples.append({"t0": last["t"], "t1": now["t"],
                                 **{k: (now[k] - last[k]) / span for k in ("machine", "servers", "generator")},
                                 "postgres": max(0.0, pg) / span})
            last = now

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(2)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _kind(record: dict) -> str:
    path, method = record["path"], record["method"]
    if method == "POST" and path.endswith("/truong"):
        return "edit"
    if "/tai/docx" in path:
        return "docx"
    if "/tai/bao-cao" in path:
        return "report"
    if "/tai/yaml" in path:
        return "yaml"
    if path.startswith("/khong-gian/ke-hoach/"):
        return "workflow"
    if path.startswith("/ke-hoach/"):
        return "editor"
    return "login"


def report(folder: str, sent: list[tuple[str, str, float, float]], samples: list[dict], steady_from: float) -> None:
    """Print the breakdown of the slowest 5 % of the saves against the middle ones: over the whole run (the logins'
    burst included), then over the last STEADY seconds."""
    records, pauses, settings = [], [], []
    for path in glob.glob(os.path.join(folder, "server-*.jsonl")):
        pid = int(os.path.basename(path)[len("server-"):-len(".jsonl")])
        with open(path, encoding="utf-8") as f:
            for line in f:
                item = json.loads(line)
                item["_pid"] = pid
                (pauses if "gc" in item else settings if "gc_threshold" in item else records).append(item)
    by_id = {r["id"]: r for r in records if r.get("id")}
    for r in records:
        r["kind"] = _kind(r)
    every = []
    for ident, kind, t0, t1 in sent:
        server = by_id.get(ident)
        if kind == "edit" and server is not None:
            every.append((t1 - t0, t0, t1, server))
    if not every:
        print("(không có bản ghi của máy chủ)")
        return
    every.sort(key=lambda s: s[0])

    def row(group):
        out = {}
        for total, t0, t1, r in group:
            wall = r["t1"] - r["t0"]
            others = [o for o in records if o["pid"] == r["pid"] and o is not r
                      and _overlap(r["t0"], r["t1"], o["t0"], o["t1"]) > 0]
            values = {
                "client total": total,
                "outside the server process (client, network, accept queue)": total - wall,
                "in the server process": wall,
                "  waiting for a thread-pool thread": r.get("pool_thread_wait", 0.0),
                "  thread CPU of the request": r.get("thread_cpu", 0.0),
                "  CPU of the whole process meanwhile": r.get("cpu_process", 0.0),
                "  database, all statements": r.get("db", 0.0),
                "    of which waiting for the audit-chain lock": r.get("audit_lock_wait", 0.0),
                "  audit-chain lock held until COMMIT": r.get("audit_lock_held", 0.0),
                "  COMMIT (with the flush)": r.get("commit", 0.0),
                "  waiting for a pooled connection": r.get("db_pool_wait", 0.0),
                "  GC pauses during the request": sum(_overlap(r["t0"], r["t1"], p["t0"], p["t0"] + p["seconds"])
                                                      for p in pauses if p["_pid"] == r["pid"]),
                "  other requests in the same process (count)": len(others),
                "    of which docx": sum(o["kind"] == "docx" for o in others),
                "    of which editor page": sum(o["kind"] == "editor" for o in others),
                "    of which save": sum(o["kind"] == "edit" for o in others),
            }
            near = [s for s in samples if _overlap(t0, t1, s["t0"], s["t1"]) > 0]
            if near:
                for key, label in (("machine", "cores busy, whole machine"), ("servers", "cores busy, servers"),
                                   ("generator", "cores busy, load generator"), ("postgres", "cores busy, PostgreSQL")):
                    values[label] = statistics.mean(s[key] for s in near)
                values["cores busy, everything else"] = max(0.0, values["cores busy, whole machine"]
                                                            - values["cores busy, servers"]
                                                            - values["cores busy, load generator"]
                                                            - values["cores busy, PostgreSQL"])
            for key, value in values.items():
                out.setdefault(key, []).append(value)
        return {k: statistics.mean(v) for k, v in out.items()}

    for saves, window in ((every, "cả lượt"), ([s for s in every if s[1] >= steady_from], "45 s cuối")):
        if not saves:
            continue
        slow = saves[-max(1, len(saves) // 20):]
        middle = saves[int(len(saves) * 0.4):int(len(saves) * 0.6)] or saves
        slow_row, middle_row = row(slow), row(middle)
        print(f"Lần lưu, {window} ({len(saves)} lần): {len(slow)} lần chậm nhất (5 %) so với 20 % ở giữa "
              "(trung bình mỗi nhóm; thời gian ms, lõi CPU bận)")
        for key in slow_row:
            scale = 1 if key.startswith(("cores", "  other", "    of which docx", "    of which editor", "    of which save")) else 1000
            print(f"  {key:<62} {middle_row[key] * scale:>9.1f} {slow_row[key] * scale:>9.1f}")
    retries = sum(r.get("audit_chain_retry", 0) for r in records)
    if retries:
        print(f"  chuỗi nhật ký: {retries:.0f} lần ghi gặp người khác ghi trước nên khóa sổ rồi ghi lại")
    gens = {}
    for p in pauses:
        if p["t0"] < steady_from:
            continue   # start-up's collections (gc.collect before gc.freeze) and the logins'

        gens.setdefault(p["gc"], []).append(p["seconds"])
    for gen, values in sorted(gens.items()):
        print(f"  GC thế hệ {gen} (45 s cuối, cả hai tiến trình): {len(values)} lần, tổng {sum(values) * 1000:.0f} ms, dài nhất {max(values) * 1000:.1f} ms")
    for s in settings:
        print(f"  GC: ngưỡng {s['gc_threshold']}, đối tượng đóng băng {s['gc_frozen']}")
    if samples:
        for key in ("machine", "servers", "generator", "postgres"):
            print(f"  lõi bận trung bình cả lượt, {key}: {statistics.mean(s[key] for s in samples):.2f}")
    for total, t0, t1, r in slow[-5:]:
        print(f"  chậm: {total * 1000:.0f} ms, trong máy chủ {(r['t1'] - r['t0']) * 1000:.0f} ms, CPU luồng "
              f"{r.get('thread_cpu', 0) * 1000:.0f} ms, CSDL {r.get('db', 0) * 1000:.0f} ms, chờ luồng "
              f"{r.get('pool_thread_wait', 0) * 1000:.0f} ms")

