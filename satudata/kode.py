"""OpenSID reference code lists (one versioned source: ``data/kode_opensid.json``).

Codes are OpenSID's small integers; a missing (``None``) code is data — OpenSID reports it as BELUM MENGISI.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

KODE_JSON = Path(__file__).parent / "data" / "kode_opensid.json"

BELUM_MENGISI = "BELUM MENGISI"


@dataclass(frozen=True, slots=True)
class DaftarKode:
    """One code list, e.g. ``agama``: code → label."""

    nama: str
    label: dict[int, str]

    def __contains__(self, kode: object) -> bool:
        return kode in self.label

    def label_dari(self, kode: int | None) -> str:
        return BELUM_MENGISI if kode is None else self.label.get(kode, BELUM_MENGISI)


@cache
def semua_daftar() -> dict[str, DaftarKode]:
    raw = json.loads(KODE_JSON.read_text(encoding="utf-8"))
    return {
        nama: DaftarKode(nama, {int(k): v for k, v in kode.items()}) for nama, kode in raw["daftar"].items()
    }


def daftar(nama: str) -> DaftarKode:
    """The code list called ``nama`` (``agama``, ``pekerjaan``, ``status_dasar``…)."""
    try:
        return semua_daftar()[nama]
    except KeyError:
        raise KeyError(f"no OpenSID code list named {nama!r}") from None


STATUS_DASAR_HIDUP = 1
LAKI_LAKI = 1
PEREMPUAN = 2
