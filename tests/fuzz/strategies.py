"""Hypothesis strategies for plans, written from authoring/model (the JSON Schema's recursive blocks defeat
generic schema generators), and mutations of the example plans and of a rendered DOCX."""

from __future__ import annotations

import io
import json
import os
import random
import zipfile

from hypothesis import strategies as st

from authoring.model.common import Comparator, Level, ReportPeriod, Status

EXAMPLES = int(os.environ.get("KEHOACH_FUZZ_EXAMPLES", "8"))

WORDS = ["Ủy ban nhân dân", "trẻ em", "bảo vệ", "chăm sóc", "năm 2025", "Sở Y tế", "xã Hòa Bình", "KH-UBND",
         "phòng, chống", "95%", "Quyết định số 23/QĐ-TTg", "[^1]", "đạt", "ít nhất", "10/5", "-", "I.", "a)"]
AGENCIES = ["ubnd-xa", "ubnd-tinh", "so-y-te", "phong-van-hoa-xa-hoi", "cong-an-xa", "Sở Y tế", "Công an xã",
            "co-quan-khong-co", "Ủy ban nhân dân xã Hòa Bình"]
DIRECTIVES = ["qd-23-2021", "ct-28-2023", "kh-61-2024-hai-phong", "qd-1183-2024", "khong-co-trong-thu-vien"]

# Text: mostly plausible Vietnamese, sometimes anything at all (controls, surrogates, the footnote marker).
nice_text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
any_text = st.text(max_size=40)
texts = st.one_of(nice_text, nice_text, nice_text, any_text)
short = st.one_of(nice_text, st.text(max_size=12), st.text(min_size=190, max_size=230))
ids = st.one_of(st.from_regex(r"[a-z][a-z0-9.-]{0,12}", fullmatch=True), st.text(max_size=8))
years = st.one_of(st.integers(2015, 2030), st.integers(-5, 10_000))
dates = st.one_of(
    st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(0, 2300), st.integers(0, 13), st.integers(0, 32)),
    st.builds(lambda y: y, years), st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(1900, 2100), st.integers(1, 12)),
    texts)
numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 10**6), texts)
maybe = lambda strategy: st.one_of(st.none(), strategy)  # noqa: E731


def _drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


links = st.lists(st.builds(lambda r: {"ref": r}, st.one_of(
    st.builds(lambda d, i: f"{d}#{i}", st.sampled_from(DIRECTIVES), ids), texts)), max_size=2)
targets = st.lists(st.builds(lambda i, v, u, c, y, l: _drop_none({"id": i, "value": v, "unit": u, "comparator": c,
                                                                  "year": y, "links": l or None}),
                             ids, maybe(numbers), maybe(st.sampled_from(["%", "‰", "trẻ em", "xã"])),
                             st.one_of(st.sampled_from([c.value for c in Comparator]), texts), maybe(years), links),
                   max_size=2)
tasks = st.builds(lambda lead, co, tf, l: _drop_none({"lead": lead, "cooperating": co, "timeframe": tf,
                                                      "links": l or None}),
                  st.lists(st.sampled_from(AGENCIES), max_size=2), st.lists(st.sampled_from(AGENCIES), max_size=2),
                  maybe(texts), links)
reporting = st.lists(st.builds(
    lambda i, f, t, p, d, dy: _drop_none({"id": i, "from": f, "to": t, "period": p, "due": d, "due_year": dy}),
    ids, st.sampled_from(AGENCIES), st.sampled_from(AGENCIES),
    st.one_of(st.sampled_from([p.value for p in ReportPeriod]), texts),
    maybe(st.one_of(st.builds(lambda d, m: f"{d}/{m}", st.integers(0, 40), st.integers(0, 14)), texts)),
    maybe(years)), max_size=1)
statuses = maybe(st.sampled_from([s.value for s in Status]))


def _block(children):
    return st.builds(
        lambda i, label, title, text, kids, tg, task, agency, rep, status: _drop_none({
            "id": i, "label": label, "title": title, "text": text, "blocks": kids or None, "targets": tg or None,
            "task": task, "agency": agency or None, "reporting": rep or None, "status": status}),
        maybe(ids), maybe(st.sampled_from(["I.", "1.", "1.1.", "a)", "-", "+"])), maybe(texts), maybe(texts),
        st.just([]) if children is None else st.lists(children, max_size=3), targets, maybe(tasks), st.lists(st.sampled_from(AGENCIES), max_size=2),
        reporting, statuses)


blocks = st.recursive(_block(None), _block, max_leaves=12)

documents = st.builds(
    lambda agency, name, symbol, date, title, level, province, number, place: _drop_none({
        "issuer": {"agency": agency, "name": name}, "symbol": symbol, "date": date, "title": title,
        "level": level, "province": province, "number": number, "place": place}),
    st.sampled_from(AGENCIES), short, st.one_of(st.sampled_from(["KH-UBND", "KH-SYT", "CT/TW"]), short), dates,
    texts, st.one_of(st.sampled_from([lv.value for lv in Level]), texts), maybe(short),
    maybe(st.integers(-3, 10**9)), maybe(short))

plans = st.builds(
    lambda i, doc, impl, sections, preamble, recipients, sig, notes: _drop_none({
        "kind": "plan", "id": i, "document": doc, "implements": impl or None, "sections": sections,
        "preamble": preamble or None, "recipients": recipients or None, "signature": sig, "footnotes": notes or None}),
    ids, documents, st.lists(st.sampled_from(DIRECTIVES), max_size=2), st.lists(blocks, min_size=1, max_size=3),
    st.lists(blocks, max_size=1),
    st.lists(st.builds(lambda n, a: _drop_none({"name": n, "agency": a}), short, maybe(st.sampled_from(AGENCIES))),
             max_size=3),
    maybe(st.builds(lambda a, p, n: {"authority": a, "positions": p, "name": n},
                    st.lists(st.sampled_from(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "CHỦ TỊCH"]), max_size=2),
                    st.lists(short, min_size=1, max_size=2), short)),
    st.dictionaries(st.sampled_from(["1", "2", "a"]), texts, max_size=2))


def plan_yaml(plan: dict) -> str:
    """JSON is YAML: every generated plan is also a valid YAML file."""
    return json.dumps(plan, ensure_ascii=False, indent=1, allow_nan=True)


# --- mutations of real files ------------------------------------------------------------------------------

YAML_INSERTS = ["", " ", "  ", "- ", ": ", "&a ", "*a", "!!int ", "'", '"', "[", "{", "\t", "#", "---\n", "? ",
                ".nan", "0000-01-01", "\\x01", "\u2063", "\ufeff", "|", ">", "~", "<<: *a"]


def mutate_text(text: str, seed: int, count: int) -> str:
    rng = random.Random(seed)
    lines = text.split("\n")
    for _ in range(count):
        choice = rng.randrange(6)
        i = rng.randrange(len(lines))
        if choice == 0 and len(lines) > 1:
            del lines[i]
        elif choice == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif choice == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif choice == 3:
            pos = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + rng.choice(YAML_INSERTS) + lines[i][pos:]
        elif choice == 4:
            lines[i] = " " * rng.randrange(0, 9) + lines[i].lstrip()
        else:
            pos = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + chr(rng.randrange(0, 0x3000)) + lines[i][pos:]
    return "\n".join(lines)


def mutate_docx(data: bytes, seed: int) -> bytes:
    """Byte flips in the zip, or an edited part (document XML, the embedded plan data, the content types)."""
    rng = random.Random(seed)
    kind = rng.randrange(4)
    if kind == 0:
        raw = bytearray(data)
        for _ in range(rng.randrange(1, 20)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return bytes(raw)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    name = {1: "word/document.xml", 2: "kehoach/plan.json", 3: rng.choice(sorted(parts))}[kind]
    content = parts.get(name, b"")
    if name.endswith(".json") and rng.random() < 0.6:
        try:
            tree = json.loads(content)
            _mutate_tree(tree, rng)
            content = json.dumps(tree, ensure_ascii=False).encode("utf-8")
        except ValueError:
            pass
    else:
        for _ in range(rng.randrange(1, 5)):
            pos = rng.randrange(len(content) + 1)
            cut = rng.randrange(0, 40)
            insert = rng.choice([b"", b"<", b">", b"</w:p>", b"<w:p>", b"&", b"&amp;", b"\x00", b"\xff", b'"'])
            content = content[:pos] + insert + content[pos + cut:]
    parts[name] = content
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, value in parts.items():
            if rng.random() < 0.03:
                continue  # a part dropped
            archive.writestr(part, value)
    return out.getvalue()


def _mutate_tree(tree, rng: random.Random) -> None:
    nodes = [tree]
    stack = [tree]
    while stack:
        node = stack.pop()
        children = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else []
        for child in children:
            if isinstance(child, (dict, list)):
                nodes.append(child)
                stack.append(child)
    for _ in range(rng.randrange(1, 4)):
        node = rng.choice(nodes)
        value = rng.choice([None, 0, -1, 1e308, "", "x" * 300, "\x01", [], {}, True, "0000-01-01", {"x": 1}])
        if isinstance(node, dict) and node:
            key = rng.choice(sorted(node, key=str)) if rng.random() < 0.8 else "truong-la"
            node[key] = value
        elif isinstance(node, list):
            node.append(value)
