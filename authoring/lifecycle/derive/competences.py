"""Competence spreading: which body of the unit holds what a duty's words name (plans/registry/competences.yaml)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ...model import Level
from ...model.drafting import Competence
from ...model.walk import iter_duties
from .context import Draft
from .learned import load_model, terms

# Without roles.yaml's ranking: a duty given to a whole level reaches the body whose subject matter it names most and
# at most this many more it also names (more would give every body every duty).
COOPERATING = 2
# Words found in at least this share of the parent's duties are its subject, not a hint at who holds one duty.
TOPIC_SHARE = 0.4


@dataclass(frozen=True)
class Holder:
    agency: str
    words: tuple[str, ...]   # the duty's phrases that name the body's subject matter, in the order met
    competence: Competence
    peer: bool = False       # beyond the usual number, because the neighbour's plan gives this body duties
    plans: int = 0           # proposed by the learned model (learned.json): how many real plans gave it such duties

    @property
    def tier(self) -> str:
        """Its weight in roles.yaml's ranking: a learned proposal weighs less than the duty's own words."""
        return "learned" if self.plans else "duty_words"

    def reason(self, d: Draft) -> str:
        quoted = "', '".join(self.words[:3])
        if self.plans:
            return (f"đề xuất của kehoach: {d.name(self.agency)} thường được giao việc này trong kế hoạch của các "
                    f"tỉnh: {self.plans} kế hoạch (nhiệm vụ nói '{quoted}'; plans/registry/learned.json); điều chỉnh "
                    "cho phù hợp")
        also = f"theo kế hoạch của {d.peer_owner} và " if self.peer else ""
        return (f"{also}theo chức năng: {d.name(self.agency)} phụ trách lĩnh vực này ({_short(self.competence.source)}) "
                f"vì nhiệm vụ nói '{quoted}'; điều chỉnh cho phù hợp")


def _short(source: str) -> str:
    return source if len(source) <= 60 else source[:57].rstrip(" ,;:") + "…"


def _table(d: Draft, level: Level) -> list[Competence]:
    return {Level.COMMUNE: d.competences.commune, Level.PROVINCE: d.competences.province}.get(level, [])


def holders(d: Draft, level: Level, text: str | None, topic: frozenset[str] = frozenset()) -> list[Holder]:
    """The bodies of *level* existing on the draft's day whose subject matter *text* names, the most phrases first
    (the registry's order on ties), the first and at most roles.yaml's `cooperating` more, and beyond them those a
    neighbour's plan gives duties to (derive --peer: the neighbour counts only where the duty's words reach the body's
    competence); words of the parent's own subject (*topic*) do not count."""
    if not text:
        return []
    text = _without_names(d, _sentence_starts_lowered(text))
    table = _table(d, level)
    matches = [(m.start(), m.end(), i, m.group(0).lower()) for i, c in enumerate(table) for m in c.pattern().finditer(text)]
    # A phrase inside a longer one of another body is that body's ('công nghiệp' in 'khu công nghiệp').
    kept = [m for m in matches if not any(o[0] <= m[0] and m[1] <= o[1] and o[1] - o[0] > m[1] - m[0] for o in matches)]
    found: dict[str, tuple[int, list[str], Competence]] = {}
    for index, competence in enumerate(table):
        words = []
        for _, _, i, word in sorted(kept):
            if i == index and word not in topic and word not in words:
                words.append(word)
        agency_id = _holder_on_day(d, competence.agency, words) if words else None
        if agency_id is None:
            continue
        first, known, _ = found.get(agency_id, (index, [], competence))
        found[agency_id] = (first, known + [w for w in words if w not in known], competence)
    if not found and level == Level.PROVINCE and not any(m[3] in topic for m in kept):
        return _learned(d, text)   # a duty in the parent's own subject is the lead's: no body is learned for it
    ranked = sorted(found.items(), key=lambda kv: (-len(kv[1][1]), kv[1][0]))
    most = 1 + (d.roles.ranking.cooperating if d.roles.ranking else COOPERATING)
    return [Holder(agency_id, tuple(words), competence, rank >= most) for rank, (agency_id, (_, words, competence))
            in enumerate(ranked) if rank < most or agency_id in d.peer]


def _learned(d: Draft, text: str) -> list[Holder]:
    """Where competences.yaml names no body: the province body real plans most often give duties in these words to
    (learned.json), when its learned weight is strong enough and it exists on the draft's day; else none."""
    model = load_model()
    if model is None or not model.enabled:
        return []
    if d.learned_topic is None:   # as for competences.yaml's phrases: the parents' subject is the lead's
        texts = [_without_names(d, item.text) for p in d.parents for item in iter_duties(p.plan)]
        counts = Counter(t for text in texts for t in terms(text))
        d.learned_topic = frozenset(t for t, n in counts.items()
                                    if len(texts) >= 3 and n >= max(3, TOPIC_SHARE * len(texts)))
    ranked = sorted(model.scores(text, d.learned_topic).items(), key=lambda kv: (-kv[1][0], kv[0]))
    if not ranked or ranked[0][1][0] < model.min_score:
        return []
    agency_id = d.now(ranked[0][0])
    if agency_id is None or not d.exists(agency_id) or d.registry.agencies[agency_id].level != Level.PROVINCE:
        return []
    words = tuple(model.strongest(text, ranked[0][0], 3, d.learned_topic))
    if len(words) < 2:   # one pair of syllables is a coincidence, not a kind of duty
        return []
    return [Holder(agency_id, words, Competence(agency=agency_id, words=list(words), certainty="U", source=model.source),
                   plans=ranked[0][1][1])]


def _sentence_starts_lowered(text: str) -> str:
    """*text* with the first letter of each sentence or item lowered, so that only bodies' names stay capitalised."""
    return re.sub(r"(^|[.;:(]\s*|-\s+)(\w)", lambda m: m.group(1) + m.group(2).lower(), text)


def _without_names(d: Draft, text: str) -> str:
    """*text* without the registry's names of bodies ('Bộ Chỉ huy quân sự tỉnh' names a body, not its subject)."""
    if d.body_names is None:
        d.body_names = body_names(d.registry)
    return d.body_names.sub(" ", text)


def body_names(registry) -> re.Pattern:
    """Every name and alias of two words or more of the registry's bodies, the longest first."""
    names = set()
    for agency in registry.agencies.values():
        for name in [n.name for n in agency.names] + list(agency.aliases):
            name = re.sub(r"\s*\{\w+\}", "", name).strip()
            if len(name.split()) >= 2:
                names.add(name)
    return re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in sorted(names, key=len, reverse=True)),
                      re.IGNORECASE)


def _holder_on_day(d: Draft, agency_id: str, words: list[str]) -> str | None:
    """Who held the subject matter on the draft's day: the body of the registry, or before the 2025 reorganisation the
    body it took that subject from (the successor's scope names it: Sở LĐTBXH for 'trẻ em', Sở TTTT for 'chuyển đổi
    số'); None when neither is in being."""
    for old in d.registry.agencies.values():
        for successor in old.successors:
            if successor.id == agency_id and successor.scope and d.exists(old.id) \
                    and any(w in successor.scope.lower() for w in words):
                return old.id
    return agency_id if d.exists(agency_id) else None


def topic_words(d: Draft, level: Level, texts: list[str]) -> frozenset[str]:
    """The competence phrases found in so many of the parent's duties that they are its subject (e.g. 'bí mật nhà
    nước' in every duty of a state-secrets directive): the lead holds those, they do not pick a body per duty."""
    if len(texts) < 3:
        return frozenset()
    counts: dict[str, int] = {}
    for text in texts:
        text = _without_names(d, _sentence_starts_lowered(text))
        seen = {m.group(0).lower() for c in _table(d, level) for m in c.pattern().finditer(text)}
        for word in seen:
            counts[word] = counts.get(word, 0) + 1
    return frozenset(w for w, n in counts.items() if n >= max(3, TOPIC_SHARE * len(texts)))


def clause_naming(text: str, words: tuple[str, ...]) -> str:
    """The clause of a duty (between semicolons) that names one of *words*, its first letter lowered."""
    clauses = [c.strip(" .") for c in text.split(";") if c.strip(" .")]
    lowered = [_sentence_starts_lowered(c) for c in clauses]
    for clause in lowered:
        if any(w in clause.lower() for w in words):
            return clause
    return lowered[0] if lowered else text
