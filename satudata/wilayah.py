"""Reference wilayah (Kemendagri codes) for Kota Bima, and code normalisation.

Codes are held in the Kemendagri scheme only (never BPS, see SATU_DATA.md §1.3). The canonical form inside
the hub is the undotted one OpenSID uses (``5272011001``); dotted ``52.72.01.1001`` is accepted everywhere.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

DEFAULT_CSV = Path(__file__).parent / "data" / "kota_bima_wilayah.csv"

# Digits of each level in the undotted Kemendagri code: prov 2, kota 2, kec 2, kel 4 (ASCII digits only).
_TANPA_TITIK = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}")
_BERTITIK = re.compile(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?")


class Tingkat(StrEnum):
    KOTA = "kota"
    KECAMATAN = "kecamatan"
    KELURAHAN = "kelurahan"


class KodeWilayahError(ValueError):
    """A region code that is malformed or not in the reference list."""


@dataclass(frozen=True, slots=True)
class Wilayah:
    kode: str  # undotted Kemendagri code
    nama: str
    tingkat: Tingkat
    induk: str | None  # parent code (undotted), None for the top

    @property
    def kode_bertitik(self) -> str:
        return bertitik(self.kode)


def tanpa_titik(kode: str) -> str:
    """``52.72.01.1001`` or ``5272011001`` → ``5272011001``; raises on anything else."""
    teks = kode.strip()
    if not (_TANPA_TITIK.fullmatch(teks) or _BERTITIK.fullmatch(teks)):
        raise KodeWilayahError(f"kode wilayah tidak dikenali: {kode!r}")
    return teks.replace(".", "")


def bertitik(kode: str) -> str:
    """Undotted → dotted Kemendagri form (``5272011001`` → ``52.72.01.1001``)."""
    raw = tanpa_titik(kode)
    parts = [raw[0:2], raw[2:4], raw[4:6], raw[6:10]]
    return ".".join(p for p in parts if p)


class ReferensiWilayah:
    """The kota → kecamatan → kelurahan tree of one kota, loaded from a CSV (``kode,nama,level,parent_kode``)."""

    def __init__(self, rows: list[Wilayah]) -> None:
        self._by_kode = {w.kode: w for w in rows}
        kota = [w for w in rows if w.tingkat is Tingkat.KOTA]
        if len(kota) != 1:
            raise ValueError("the wilayah reference must hold exactly one kota")
        self.kota = kota[0]

    @classmethod
    def from_csv(cls, path: Path = DEFAULT_CSV) -> ReferensiWilayah:
        rows: list[Wilayah] = []
        with path.open(newline="", encoding="utf-8") as fh:
            for rec in csv.DictReader(fh):
                tingkat = Tingkat(rec["level"])
                induk = tanpa_titik(rec["parent_kode"]) if tingkat is not Tingkat.KOTA else None
                rows.append(Wilayah(tanpa_titik(rec["kode"]), rec["nama"].strip(), tingkat, induk))
        return cls(rows)

    def get(self, kode: str) -> Wilayah:
        """Look a code up in any accepted form; raises :class:`KodeWilayahError` if unknown."""
        norm = tanpa_titik(kode)
        try:
            return self._by_kode[norm]
        except KeyError:
            raise KodeWilayahError(f"kode wilayah {kode!r} tidak terdaftar di {self.kota.nama}") from None

    def kelurahan(self, kode: str) -> Wilayah:
        w = self.get(kode)
        if w.tingkat is not Tingkat.KELURAHAN:
            raise KodeWilayahError(f"kode {kode!r} bukan kode kelurahan")
        return w

    def semua(self, tingkat: Tingkat) -> list[Wilayah]:
        return sorted((w for w in self._by_kode.values() if w.tingkat is tingkat), key=lambda w: w.kode)

    def anak(self, kode: str) -> list[Wilayah]:
        induk = tanpa_titik(kode)
        return sorted((w for w in self._by_kode.values() if w.induk == induk), key=lambda w: w.kode)

    def kecamatan_dari(self, kode_kelurahan: str) -> Wilayah:
        kel = self.kelurahan(kode_kelurahan)
        assert kel.induk is not None
        return self._by_kode[kel.induk]


@cache
def referensi_kota_bima() -> ReferensiWilayah:
    """The shipped Kota Bima reference (Kepmendagri 300.2.2-2430/2025): 5 kecamatan, 41 kelurahan."""
    return ReferensiWilayah.from_csv(DEFAULT_CSV)
