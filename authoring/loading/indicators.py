"""Loading the indicator catalogue, once a process; a broken catalogue is reported like any bad input."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ..model.indicators import IndicatorCatalogue
from ..paths import registry_dir
from .validate import load_kept_model


def load_indicators(folder: Path | None = None) -> IndicatorCatalogue:
    return _cached(str((Path(folder) if folder else registry_dir()).resolve()))


@lru_cache(maxsize=4)
def _cached(folder: str) -> IndicatorCatalogue:
    catalogue, findings = load_kept_model(Path(folder) / "indicators.yaml", IndicatorCatalogue)
    if catalogue is None:
        raise InputError("Danh mục chỉ tiêu thống kê (plans/registry/indicators.yaml) có lỗi.", findings)
    ids = [i.id for i in catalogue.indicators]
    if len(ids) != len(set(ids)):
        raise InputError("Danh mục chỉ tiêu thống kê có mã trùng nhau.",
                         hint="Mỗi chỉ tiêu trong plans/registry/indicators.yaml cần một 'id' riêng.")
    codes = [(i.catalogue, i.code) for i in catalogue.indicators if i.code]
    if len(codes) != len(set(codes)):
        twice = sorted({f"{c} ({k})" for k, c in codes if codes.count((k, c)) > 1})
        raise InputError(f"Danh mục chỉ tiêu thống kê có mã số trùng nhau trong cùng phụ lục: {', '.join(twice)}.",
                         hint="Mỗi mã số chỉ có một chỉ tiêu trong một phụ lục; sửa 'code' hoặc 'catalogue' theo văn "
                              "bản nguồn.")
    return catalogue
