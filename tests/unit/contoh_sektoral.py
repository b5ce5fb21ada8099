"""Builders of sector definitions for the sectoral tests (``tests/unit/test_sektoral_*.py``)."""

from __future__ import annotations

from typing import Any

from satudata.sektoral import Indikator, Sel, urai_sektor


def sektor(*indikator: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {"sektor": "uji", "judul": "Uji", "opd": "OPD Uji", "deskripsi": "Sektor uji.",
            "indikator": list(indikator), **kw}  # fmt: skip


def ind(kode: str = "uji", **kw: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"kode": kode, "judul": "Indikator uji", "satuan": "orang", "sumber": "penduduk",
                         "syarat": {}}  # fmt: skip
    d.update(kw)
    return d


def satu(raw: dict[str, Any]) -> Indikator:
    return urai_sektor(sektor(raw), "sektoral/uji.yaml").indikator[0]


def lihat(s: Sel) -> Any:
    return s.alasan or (s.nilai if s.pembagi is None else (s.nilai, s.pembilang, s.pembagi))
