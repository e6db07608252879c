"""Builds plans/registry/learned.json: which province bodies real province plans give which duty words to.

Usage (the corpus is a public repository of thuvienphapluat copies, brought with the `fetch` tool or `git clone`):

    PYTHONPATH=$PWD .venv/bin/python benchmarks/derive_corpus.py --repo /work/.mirror/tnt305+tai_lieu_noi_bo/repo \
        [--exclude-sources FILE] [--exclude-shingles FILE] [--out plans/registry/learned.json] [--evaluate]

It reads every `src/etl/dataset/*.md` of the repository's HEAD, keeps the documents issued by a province's People's
Committee (Kế hoạch, Quyết định, Chỉ thị …) that give duties to named province bodies, splits them into (body, duty
text) pairs with the reader of `derive --peer` (peer.py: body headings, "Sở X:" items, "Giao Sở X …", "Cơ quan thực
hiện: A; B") and the registry's names, and counts, per body, the documents whose duties to it use each syllable and
syllable pair. Documents of the derive benchmark (tune children, and the set-aside ones listed in the exclude files)
are dropped by their file name or by their text fingerprint (8-word shingles). Same corpus → same bytes.
`--evaluate` prints a leave-one-document-out score: each document's bodies predicted from its duties alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from authoring.lifecycle.derive.competences import body_names  # noqa: E402
from authoring.lifecycle.derive.habits import HABITS, Habits, table as habit_table  # noqa: E402
from authoring.lifecycle.derive.learned import MODEL, terms  # noqa: E402
from authoring.lifecycle.derive.peer import (_DUTY_TAIL, _EXECUTING, _GIVEN, _LABEL, _SUBJECT, _VERB,  # noqa: E402
                                             _known)
from authoring.lifecycle.pairs import agency_key  # noqa: E402
from authoring.loading import load_registry  # noqa: E402
from authoring.loading.drafting import load_competences, load_fields  # noqa: E402
from authoring.model import Level  # noqa: E402
from authoring.text import nfc  # noqa: E402

DATASET = "src/etl/dataset/"
# The issuer line of a province's People's Committee ("ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"), in the header's first words.
_ISSUER = re.compile(r"(?:ỦY|UỶ) BAN NHÂN DÂN (TỈNH|THÀNH PHỐ) ([A-ZÀ-ỸĐ][A-ZÀ-ỸĐ ]{1,30}?)"
                     r"(?= CỘNG| SỐ| \d| ---|$)")
_YEAR = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(20\d\d)")
# A new part of the document: "III. TỔ CHỨC THỰC HIỆN", "Điều 3.", "Phụ lục": a body's duties end there.
_PART = re.compile(r"^(?:[IVX]+\.|Điều\s+\d+|Phụ lục|PHỤ LỤC|Nơi nhận)")
# The web page's words after the document (thuvienphapluat's related documents, notices).
_TRAILER = re.compile(r"Văn bản này chưa cập nhật nội dung Tiếng Anh|FILE ĐƯỢC ĐÍNH KÈM THEO VĂN BẢN|Văn bản liên quan "
                      r"Ban hành:|Thưa Quý khách")
# A paragraph this long is a flattened copy: split before "Điều 2.", "II.", "3.", "a)", "-" opening a capitalised item.
_FLAT = 600
_ITEM = re.compile(r"\s(?=(?:Điều\s+\d+\.|[IVX]+\.|\d+(?:\.\d+)*\.|[a-zđ]\)|-|\+)\s+[A-ZĐÀ-Ỹ])")
# The title of a plan or rule annexed to a decision, after its recipients: the duties start again.
_TITLE = re.compile(r"^(?:KẾ HOẠCH|QUY ĐỊNH|QUY CHẾ|CHƯƠNG TRÌNH|ĐỀ ÁN|PHỤ LỤC|PHƯƠNG ÁN)\b")
# A person, not a body ("Chủ tịch Ủy ban nhân dân tỉnh"): a draft gives duties to bodies.
_PERSON = re.compile(r"^(?:Chủ tịch|Phó Chủ tịch|Giám đốc|Bí thư|Trưởng ban)\b")
# "Cơ quan chủ trì: Sở Tư pháp", "Đơn vị chủ trì thực hiện: …" under an item: the item is that body's duty.
_LEAD = re.compile(r"^(?:[Cc]ơ quan|[Đđ]ơn vị)\s+(?:chủ trì|thực hiện)(?:\s+thực hiện)?\s*:\s*(.{3,300})")
# The item's other lines: its partners (not its lead), its time, its product, its funds.
_ASIDE = re.compile(r"^(?:(?:[Cc]ơ quan|[Đđ]ơn vị)\s+phối hợp(?:\s+thực hiện)?|[Tt]hời gian(?:\s+thực hiện|\s+hoàn thành)?|"
                    r"[Ss]ản phẩm|[Kk]inh phí(?:\s+thực hiện)?)\s*:")
# Paragraphs kept per body heading (a heading's duties rarely run longer; a bound against a runaway split).
_MOST = 25
# A term counts for a body when this many documents gave it that body's duties, and its log-odds is at least this.
MIN_DOCS = 2
MIN_WEIGHT = math.log(2)
# Terms found in more than this share of all (document, body) profiles are the language of every duty, not a hint.
COMMON = 0.2
ALPHA = 0.5
# How derive uses the model: a body is proposed where competences.yaml names none when its summed weight over the
# duty's terms reaches MIN_SCORE; off unless it helps on both halves of the tune pairs (docs/benchmarks.md).
ENABLED = False
MIN_SCORE = 6.0
# habits.json: a document counts when it names at least this many province bodies outside its recipients (fewer is a
# decision about one body's work, not a division of labour). A body is proposed when, among the documents naming one of
# the draft's bodies (at least HABIT_SUPPORT of them), the smoothed share also naming it reaches HABIT_SHARE.
HABIT_BODIES = 3
HABIT_SHARE = 0.6
HABIT_SUPPORT = 3
# ... and for at least this many of the draft's bodies (one: any of them; two: a body most documents of two of the
# draft's bodies name).
HABIT_AGREE = 1
# With a neighbour's plan of the same parent (derive --peer): a body it names is proposed when the documents naming one
# of the draft's bodies name it too in this share; None: never (on tune, read as same-parent neighbours, 0 — copying the
# neighbour's list — gave precision 84 → 71 % for no recall, and 0.1 84 → 81 %; 0.2 to 0.5 changed nothing).
HABIT_PEER_SHARE = None
HABIT_ALPHA = 1.0
HABIT_ENABLED = False
HABIT_DUTY = ("{body} theo chức năng, nhiệm vụ được giao phối hợp với {lead} triển khai các nội dung của Kế hoạch thuộc "
              "lĩnh vực quản lý; báo cáo kết quả thực hiện về {lead}.")


def blobs(repo: Path) -> list[tuple[str, str]]:
    """(path, text) of every Markdown file of the dataset, in path order."""
    tree = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "HEAD", DATASET], capture_output=True, text=True,
                          check=True).stdout
    rows = sorted((line.split("\t")[1], line.split()[2]) for line in tree.splitlines() if line.endswith(".md"))
    batch = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch"], input="".join(f"{s}\n" for _, s in rows).encode(),
                           capture_output=True, text=False, check=True).stdout
    out, at = [], 0
    for path, _ in rows:
        end = batch.index(b"\n", at)
        size = int(batch[at:end].split()[2])
        out.append((path, batch[end + 1:end + 1 + size].decode("utf-8", "replace")))
        at = end + 1 + size + 1
    return out


def shingles(text: str) -> set[str]:
    """The sampled 8-word shingles of *text* (the recipe of derive-exclude-shingles.json)."""
    tokens = re.findall(r"\w+", nfc(text).lower())
    found = set()
    for i in range(len(tokens) - 7):
        digest = hashlib.sha1(" ".join(tokens[i:i + 8]).encode("utf-8")).hexdigest()[:12]
        if int(digest, 16) % 8 == 0:
            found.add(digest)
    return found


def paragraphs(text: str) -> list[str]:
    """The document's paragraphs: hard-wrapped lines joined, Markdown emphasis and table bars dropped, the web page's
    trailer cut; a copy flattened into one line split again before its item labels."""
    text = _TRAILER.split(nfc(text), 1)[0]
    out = []
    for block in re.split(r"\n\s*\n", text):
        line = re.sub(r"\s+", " ", re.sub(r"[*_#|]+", " ", block)).strip()
        out += [p.strip() for p in (_ITEM.split(line) if len(line) > _FLAT else [line]) if p.strip()]
    return out


def issuer(text: str) -> str | None:
    head = re.sub(r"\s+", " ", re.sub(r"[*|#_]+", " ", nfc(text[:3000]))).upper()
    found = _ISSUER.search(head)
    return f"{found.group(1).lower()} {found.group(2).strip().title()}" if found else None


def bodies(registry, names: list[str]) -> list[str]:
    """The province bodies among *names* (registry ids; a unit's own government and collectives left out)."""
    found = []
    for name in names:
        key = agency_key(registry, name)
        agency = registry.agencies.get(key)
        if agency is not None and agency.level == Level.PROVINCE and not agency.collective \
                and agency.kind != "chinh-quyen" and not _PERSON.match(agency.names[0].name) and key not in found:
            found.append(key)
    return found


def pairs(registry, paras: list[str]) -> list[tuple[str, str]]:
    """(body id, duty text) pairs of a document, read as `derive --peer` reads a plan."""
    out: list[tuple[str, str]] = []
    current: list[str] = []
    kind = None   # the label kind of the current body heading: a sibling without a body ends it
    taken = 0
    previous = ""
    task: list[str] = []   # the item being read: its heading and paragraphs, until "Cơ quan chủ trì: …" names its lead
    closing = False   # in the signature and the recipients ("Nơi nhận"), until the annexed plan's title
    for para in paras:
        if re.search(r"Nơi nhận\s*:", para):
            current, kind, closing = [], None, True
            continue
        if closing:
            closing = not _TITLE.match(para)
            continue
        label = _LABEL.match(para)
        text = _DUTY_TAIL.sub("", _LABEL.sub("", para, count=1)).strip()
        this_kind = re.sub(r"[0-9]+", "9", re.sub(r"[a-zđ]", "a", label.group(0).strip()))[:4] if label else None
        lead = _LEAD.match(text)
        if lead or _ASIDE.match(text):   # an item's lead (its duty is the item), its partners, time, product
            found = bodies(registry, _known(registry, lead.group(1))) if lead else []
            out += [(b, " ".join(task) or previous) for b in found]
            continue
        if label and not label.group(0).strip() in "-+•":
            task = [text]
        elif len(task) < _MOST:
            task.append(text)
        head = re.match(r"^(.{3,120}?)\s*:\s*(.*)$", text)
        given = _GIVEN.match(text)
        subject = _SUBJECT.match(text)
        executing = _EXECUTING.search(text)
        named = []
        rest = text
        if len(text) <= 120 and (label or text.endswith(":")) and not _VERB.search(text.rstrip(" :.")):
            whole = text.rstrip(" :.;,")
            named = bodies(registry, [whole] if not agency_key(registry, whole).startswith("~")
                           else _known(registry, whole))
            rest = ""
        if not named and head and not _VERB.search(head.group(1)):
            named, rest = bodies(registry, _known(registry, head.group(1))), head.group(2)
        if not named and given:
            named = bodies(registry, [given.group(1)] + _known(registry, given.group(1)))
        if not named and subject:
            named = bodies(registry, _known(registry, subject.group(1)))
        if named:
            current, kind, taken = named, this_kind, 0
            if rest:
                out += [(b, rest) for b in named]
        elif executing and previous and "phối hợp" not in executing.group(0):
            out += [(b, previous) for b in bodies(registry, _known(registry, executing.group(1)))]
        elif current and (_PART.match(para) or (kind and this_kind == kind) or taken >= _MOST):
            current, kind = [], None
        elif current:
            out += [(b, text) for b in current]
            taken += 1
        previous = text
    return out


def named_bodies(registry, names, paras: list[str]) -> list[str]:
    """The province bodies a document names anywhere but in its recipients and signature, in the order first named."""
    found: list[str] = []
    closing = False
    for para in paras:
        if re.search(r"Nơi nhận\s*:", para):
            closing = True
            continue
        if closing:
            closing = not _TITLE.match(para)
            continue
        found += [m.group(0) for m in names.finditer(para)]
    return bodies(registry, found)


def known_part(named: list[str]) -> list[str]:
    """What a draft would already name of a document's bodies, for the leave-one-out of habits: its first body (the
    lead) and every other one after it."""
    return named[:1] + named[1:][::2]


def evaluate_habits(sets: list[list[str]]) -> None:
    """Leave one document out: from its first body and every other one (known_part), propose the rest with the habits
    of the other documents; per document recall and precision of the known bodies plus the proposed ones, and the share
    of the proposed that the document names. Share 0: every body named by at least support/10 of the documents (the
    habitual bodies of a province document, whatever the draft names)."""
    for share, support, agree in [(s, n, 1) for s in (0.4, 0.5, 0.6, 0.7) for n in (2, 3, 5)] \
            + [(s, 3, a) for s in (0.4, 0.5, 0.6) for a in (2, 3)] + [(0, n, 0) for n in (3, 4, 5)]:
        recalls, precisions, right, proposed, base = [], [], 0, 0, []
        for index, named in enumerate(sets):
            others = [set(s) for i, s in enumerate(sets) if i != index]
            count, both = habit_table(others)
            model = Habits(len(others), count, both, share, support, agree, HABIT_ALPHA, True, HABIT_DUTY, "")
            known = known_part(named)
            found = {p.agency for p in model.propose(known)} if share else \
                {b for b, n in count.items() if n >= support / 10 * len(others)} - set(known)
            truth = set(named)
            final = set(known) | found
            recalls.append(len(final & truth) / len(truth))
            precisions.append(len(final & truth) / len(final))
            base.append(len(known) / len(truth))
            right += len(found & truth)
            proposed += len(found)
        print(f"habits, share {share}, support {support}, agree {agree}: per document recall "
              f"{100 * sum(base) / len(base):.0f} → {100 * sum(recalls) / len(recalls):.0f} %, precision 100 → {100 * sum(precisions) / len(precisions):.0f}"
              f" %; proposed {proposed} ({proposed / len(sets):.1f} per document), right {right} "
              f"({100 * right / max(1, proposed):.0f} %)")


def profiles(registry, names, documents):
    """Per document, per body: the terms of its duties (names of bodies taken out first)."""
    out = []
    for path, province, year, field, found in documents:
        grouped: dict[str, list[str]] = defaultdict(list)
        for body, text in found:
            grouped[body].append(text)
        out.append((path, province, year, field, {b: terms(names.sub(" ", " ".join(t))) for b, t in grouped.items()}))
    return out


def table(built, leave: int | None = None) -> dict[str, dict[str, tuple[float, int]]]:
    """term → body → (log-odds of the term in the body's duties against the others', documents), from every
    document's profiles but the *leave*-th."""
    total, per_body, per_term, both = 0, Counter(), Counter(), Counter()
    for index, (*_, prof) in enumerate(built):
        if index == leave:
            continue
        for body, words in prof.items():
            total += 1
            per_body[body] += 1
            for word in words:
                per_term[word] += 1
                both[word, body] += 1
    out: dict[str, dict[str, tuple[float, int]]] = {}
    for (word, body), n in sorted(both.items()):
        df = per_term[word]
        if n < MIN_DOCS or df > COMMON * total:
            continue
        m = per_body[body]
        weight = math.log((n + ALPHA) / (m - n + ALPHA)) - math.log((df - n + ALPHA) / (total - m - (df - n) + ALPHA))
        if weight >= MIN_WEIGHT:
            out.setdefault(word, {})[body] = (round(weight, 3), n)
    return out


def predict(model, text: str, min_score: float, margin: float) -> list[str]:
    """The bodies the model gives *text* to, as derive does (competences._learned): at least two terms, MIN_SCORE."""
    found: dict[str, float] = defaultdict(float)
    count: Counter = Counter()
    for word in terms(text):
        for body, (weight, _) in model.get(word, {}).items():
            found[body] += weight
            count[body] += 1
    ranked = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked or ranked[0][1] < min_score or count[ranked[0][0]] < 2:
        return []
    return [b for b, s in ranked[:2] if s >= min_score and s >= margin * ranked[0][1]]


def by_competence(text: str) -> list[str]:
    """The body whose competences.yaml phrases *text* names most (the hand-written table), as a baseline."""
    counts = [(len({m.group(0).lower() for m in c.pattern().finditer(text)}), -i, c.agency)
              for i, c in enumerate(load_competences().province)]
    best = max(counts)
    return [best[2]] if best[0] else []


def evaluate(registry, names, built, documents) -> None:
    """Leave one document out: each duty's body predicted from its words; recall and precision of the bodies a
    document names, over documents; and the same with competences.yaml alone."""
    models = [table(built, leave=index) for index in range(len(documents))]
    for min_score, combined in ((None, True), (3, False), (3, True), (6, True), (10, True)):
        recalls, precisions, hits, asked = [], [], 0, 0
        for index, (_, _, _, _, found) in enumerate(documents):
            model = models[index]
            truth = {b for b, _ in found}
            guessed = set()
            for body, text in found:
                text = names.sub(" ", text)
                guess = (by_competence(text) if combined else []) or \
                    (predict(model, text, min_score, 0.9)[:1] if min_score is not None else [])
                guessed.update(guess)
                asked += 1
                hits += bool(guess and guess[0] == body)
            if truth:
                recalls.append(len(truth & guessed) / len(truth))
                precisions.append(len(truth & guessed) / len(guessed) if guessed else 0)
        shown = "competences.yaml" if min_score is None else \
            f"learned, min_score {min_score}{', after competences.yaml' if combined else ''}"
        print(f"{shown}: duty's first guess right {100 * hits / asked:.0f} % of "
              f"{asked}; per document recall {100 * sum(recalls) / len(recalls):.0f} %, precision "
              f"{100 * sum(precisions) / len(precisions):.0f} %")


def collect(registry, fields, names, repo: Path, excluded_files: set[str], aside: list[set[str]]):
    """The corpus documents: (path, province, year, field, [(body, duty text)], [bodies named]), and the counts of those
    dropped; a document with no duty pairs is kept when it names HABIT_BODIES bodies (for habits.json only)."""
    # The benchmark's tune children: never learned from, or the tune figures would score the model on its own data.
    tune = [shingles(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "tests/fixtures/derive_pairs/tune")
                                                                      .glob("*/child.txt"))]
    documents, seen, seen_named, dropped = [], [], [], Counter()
    for path, text in blobs(repo):
        province = issuer(text)
        if province is None:
            continue
        if path in excluded_files:
            dropped["tệp để riêng"] += 1
            continue
        own = shingles(text)
        if own and any(len(own & s) > 0.05 * len(own) for s in aside):
            dropped["trùng văn bản để riêng"] += 1
            continue
        if own and any(len(own & s) > 0.05 * len(own) for s in tune):
            dropped["trùng kế hoạch tune"] += 1
            continue
        paras = paragraphs(text)
        # A copy of a document already kept: the duty pairs and the habits each count a document once (apart, so that
        # the pairs' corpus stays what it was before habits.json).
        found = [] if any(len(own & s) > 0.5 * len(own) for s in seen) else pairs(registry, paras)
        named = [] if any(len(own & s) > 0.5 * len(own) for s in seen_named) else named_bodies(registry, names, paras)
        if len(named) < HABIT_BODIES:
            named = []
        if not found and not named:
            dropped["bản chép trùng"] += bool(own) and any(len(own & s) > 0.5 * len(own) for s in seen + seen_named)
            continue
        if found:
            seen.append(own)
        if named:
            seen_named.append(own)
        year = _YEAR.search(nfc(text[:3000]))
        title = " ".join(paragraphs(text[:3000])[:12])
        field = next((f.id for f in fields if f.pattern().search(title)), "khác")
        documents.append((path, province, year.group(1) if year else "?", field, found, named))
    return documents, dropped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--exclude-sources", type=Path)
    parser.add_argument("--exclude-shingles", type=Path)
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--habits-out", type=Path, default=HABITS)
    parser.add_argument("--evaluate", action="store_true")
    args = parser.parse_args()
    registry = load_registry()
    fields = load_fields().fields
    names = body_names(registry)
    commit = subprocess.run(["git", "-C", str(args.repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=True).stdout.strip()
    origin = args.repo.parent.name.replace("+", "/") if args.repo.name == "repo" else args.repo.name
    excluded_files = set()
    if args.exclude_sources:
        for line in args.exclude_sources.read_text(encoding="utf-8").splitlines():
            if origin in line and ":" in line:
                excluded_files.add(line.rsplit(":", 1)[1].strip())
    aside = [set(s) for s in json.loads(args.exclude_shingles.read_text())["sets"]] if args.exclude_shingles else []
    every, dropped = collect(registry, fields, names, args.repo, excluded_files, aside)
    documents = [d[:5] for d in every if d[4]]
    built = profiles(registry, names, documents)
    model = table(built)
    provinces = Counter(d[1] for d in documents)
    print(f"{len(documents)} văn bản, {len(provinces)} tỉnh, {sum(len(d[4]) for d in documents)} cặp (cơ quan, nhiệm "
          f"vụ), {sum(len(b[4]) for b in built)} hồ sơ (văn bản, cơ quan), {len(model)} từ; loại: {dict(dropped)}")
    print("lĩnh vực:", dict(sorted(Counter(d[3] for d in documents).items())))
    print("năm:", dict(sorted(Counter(d[2] for d in documents).items())))
    if args.evaluate:
        evaluate(registry, names, built, documents)
    data = {
        "about": "Cặp âm tiết mà kế hoạch, quyết định thật của UBND cấp tỉnh giao cho từng cơ quan cấp tỉnh: trọng "
                 "số log-odds (có làm trơn) của từ trong phần việc giao cơ quan đó so với phần việc giao cơ quan khác, "
                 "và số văn bản. Lập bằng benchmarks/derive_corpus.py; không chép toàn văn.",
        "source": {"repository": f"github.com/{origin}", "commit": commit, "files": DATASET + "*.md",
                   "documents": len(documents), "provinces": len(provinces),
                   "pairs": sum(len(d[4]) for d in documents),
                   "excluded": "các văn bản của bộ cặp derive (tune, và danh sách để riêng): theo tên tệp và dấu văn bản"},
        "use": {"enabled": ENABLED, "min_score": MIN_SCORE},
        "terms": {t: {b: list(v) for b, v in sorted(bs.items())} for t, bs in sorted(model.items())},
    }
    args.out.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    sets = [d[5] for d in every if d[5]]
    count, both = habit_table([set(s) for s in sets])
    print(f"habits.json: {len(sets)} văn bản nêu từ {HABIT_BODIES} cơ quan cấp tỉnh, {len(count)} cơ quan, "
          f"{len(both)} cặp cơ quan")
    if args.evaluate:
        evaluate_habits(sets)
    habits = {
        "about": "Số văn bản thật của UBND cấp tỉnh nêu tên từng cơ quan cấp tỉnh (ngoài nơi nhận, chữ ký), và từng cặp "
                 "cơ quan cùng được nêu trong một văn bản ('a|b'). Dùng: cơ quan mà các văn bản nêu một cơ quan của dự "
                 "thảo cũng thường nêu được đề xuất. Lập bằng benchmarks/derive_corpus.py; không chép toàn văn.",
        "source": {"repository": f"github.com/{origin}", "commit": commit, "files": DATASET + "*.md",
                   "documents": len(sets), "min_bodies": HABIT_BODIES,
                   "excluded": "các văn bản của bộ cặp derive (tune, và danh sách để riêng): theo tên tệp và dấu văn bản"},
        "use": {"enabled": HABIT_ENABLED, "min_share": HABIT_SHARE, "min_support": HABIT_SUPPORT, "min_agree": HABIT_AGREE,
                "alpha": HABIT_ALPHA, "peer_share": HABIT_PEER_SHARE},
        "duty": HABIT_DUTY,
        "bodies": count,
        "pairs": both,
    }
    args.habits_out.write_text(json.dumps(habits, ensure_ascii=False, sort_keys=True, indent=0) + "\n",
                               encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
