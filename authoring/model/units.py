"""Administrative units: the kind words (tỉnh, huyện, xã, phường, đặc khu…) and the level each stands for."""

from __future__ import annotations

from dataclasses import dataclass

from ..text import match_key
from .common import Level

# Nghị quyết 202/2025/QH15: the six cities run by the centre are province-level; every other thành phố was
# district-level until 01/7/2025.
CENTRAL_CITIES = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế")
UNIT_KINDS = {"tỉnh": Level.PROVINCE, "thành phố": Level.DISTRICT, "quận": Level.DISTRICT, "huyện": Level.DISTRICT,
              "thị xã": Level.DISTRICT, "xã": Level.COMMUNE, "phường": Level.COMMUNE, "thị trấn": Level.COMMUNE,
              "đặc khu": Level.COMMUNE}
KIND_PATTERN = "|".join(sorted(UNIT_KINDS, key=len, reverse=True))


def level_of(kind: str, name: str) -> Level:
    """The level of a unit named by its kind word and name ("thành phố Hải Phòng" is a province)."""
    kind = kind.lower()
    if kind == "thành phố" and match_key(name) in {match_key(c) for c in CENTRAL_CITIES}:
        return Level.PROVINCE
    return UNIT_KINDS[kind]


@dataclass(frozen=True)
class Unit:
    kind: str      # tỉnh, quận, huyện, xã, phường, đặc khu
    name: str      # Kiến An
    level: Level

    @property
    def full(self) -> str:
        return f"{self.kind} {self.name}"

    @classmethod
    def parse(cls, text: str) -> "Unit | None":
        """'quận Kiến An' → Unit; None when the text does not start with a kind word."""
        text = " ".join(text.split())
        for kind in sorted(UNIT_KINDS, key=len, reverse=True):
            if text.lower().startswith(kind + " ") and len(text) > len(kind) + 1:
                name = text[len(kind) + 1:]
                return cls(kind, name, level_of(kind, name))
        return None
