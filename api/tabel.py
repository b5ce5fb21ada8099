"""Builds the OpenSID-style statistics table: a row per code, then JUMLAH, BELUM MENGISI and TOTAL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel

from satudata.kode import BELUM_MENGISI
from satudata.kontribusi import BELUM_MENGISI_KODE
from satudata.statistik import Kategori

RINGKASAN = (("666", "JUMLAH"), ("777", BELUM_MENGISI), ("888", "TOTAL"))


class BarisStatistik(BaseModel):
    kode: str
    nama: str
    jenis: Literal["kode", "ringkasan"]
    laki_laki: int
    perempuan: int
    jumlah: int
    persen_laki_laki: float
    persen_perempuan: float
    persen: float


def _persen(n: int, total: int) -> float:
    return round(100.0 * n / total, 2) if total else 0.0


def susun_tabel(kategori: Kategori, hitungan: Iterable[tuple[str, int, int]]) -> list[BarisStatistik]:
    """``hitungan``: (kode, jenis_kelamin 0/1/2, jumlah). Percentages are of TOTAL, as in OpenSID."""
    per_kode: dict[str, list[int]] = {}
    for kode, jk, n in hitungan:
        if not n:
            continue
        lp = per_kode.setdefault(kode, [0, 0, 0])
        lp[jk] += n
    total = [sum(v[i] for v in per_kode.values()) for i in range(3)]
    total_semua = sum(total)
    baris: list[BarisStatistik] = []
    jumlah = [0, 0, 0]

    def buat(kode: str, nama: str, jenis: Literal["kode", "ringkasan"], v: list[int]) -> BarisStatistik:
        return BarisStatistik(
            kode=kode,
            nama=nama,
            jenis=jenis,
            laki_laki=v[1],
            perempuan=v[2],
            jumlah=sum(v),
            persen_laki_laki=_persen(v[1], total_semua),
            persen_perempuan=_persen(v[2], total_semua),
            persen=_persen(sum(v), total_semua),
        )

    for kode, nama in kategori.kode_kode(list(per_kode)):
        v = per_kode.get(kode, [0, 0, 0])
        jumlah = [a + b for a, b in zip(jumlah, v, strict=True)]
        baris.append(buat(kode, nama, "kode", v))
    belum = [t - j for t, j in zip(total, jumlah, strict=True)]
    assert belum == per_kode.get(BELUM_MENGISI_KODE, [0, 0, 0]), "a code outside the list reached ClickHouse"
    for (kode, nama), v in zip(RINGKASAN, (jumlah, belum, total), strict=True):
        baris.append(buat(kode, nama, "ringkasan", v))
    return baris
