"""The one place that turns a resident image into statistic contributions (used by streams and recounts).

A contribution is a group ``(kode_kelurahan, kategori, kode, jenis_kelamin)`` counted once per living resident
(status_dasar = 1) per category. ``kode`` is the OpenSID code as text, or ``""`` for BELUM MENGISI (missing).
``jenis_kelamin`` is 1/2, or 0 when unknown. Kecamatan and kota figures are sums over their kelurahan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from satudata.kode import STATUS_DASAR_HIDUP, daftar
from satudata.umur import BPS_5_TAHUN, rentang_untuk

BELUM_MENGISI_KODE = ""
Grup = tuple[str, str, str, int]


@dataclass(frozen=True, slots=True)
class Kategori:
    slug: str
    judul: str
    kolom: str | None  # image column; None for age (derived from tanggallahir)

    def kode_kode(self) -> list[tuple[str, str]]:
        """All (kode, label) rows of the category's table, in OpenSID order."""
        if self.kolom is None:
            return [(r.label, r.label) for r in BPS_5_TAHUN]
        return [(str(k), v) for k, v in daftar(_DAFTAR[self.kolom]).label.items()]


_DAFTAR = {
    "sex": "jenis_kelamin",
    "agama_id": "agama",
    "pendidikan_kk_id": "pendidikan_kk",
    "pekerjaan_id": "pekerjaan",
    "status_kawin": "status_kawin",
}

KATEGORI: dict[str, Kategori] = {
    k.slug: k
    for k in (
        Kategori("jenis-kelamin", "Jenis Kelamin", "sex"),
        Kategori("kelompok-umur", "Kelompok Umur (BPS 5 tahunan)", None),
        Kategori("agama", "Agama", "agama_id"),
        Kategori("pendidikan-dalam-kk", "Pendidikan dalam KK", "pendidikan_kk_id"),
        Kategori("pekerjaan", "Pekerjaan", "pekerjaan_id"),
        Kategori("status-perkawinan", "Status Perkawinan", "status_kawin"),
    )
}


@dataclass(frozen=True, slots=True)
class CitraStatistik:
    """The fields of a resident image that statistics need — no NIK, no KK number, no name."""

    kode_kelurahan: str
    status_dasar: int
    sex: int | None
    tanggallahir: dt.date | None
    agama_id: int | None
    pendidikan_kk_id: int | None
    pekerjaan_id: int | None
    status_kawin: int | None

    @classmethod
    def dari_citra(cls, citra: Mapping[str, Any]) -> CitraStatistik:
        return cls(
            kode_kelurahan=citra["kode_kelurahan"],
            status_dasar=citra["status_dasar"],
            sex=citra.get("sex"),
            tanggallahir=citra.get("tanggallahir"),
            agama_id=citra.get("agama_id"),
            pendidikan_kk_id=citra.get("pendidikan_kk_id"),
            pekerjaan_id=citra.get("pekerjaan_id"),
            status_kawin=citra.get("status_kawin"),
        )

    def ke_list(self) -> list[Any]:
        """Compact JSON form for the Faust table changelog."""
        lahir = self.tanggallahir.toordinal() if self.tanggallahir else None
        return [
            self.kode_kelurahan,
            self.status_dasar,
            self.sex,
            lahir,
            self.agama_id,
            self.pendidikan_kk_id,
            self.pekerjaan_id,
            self.status_kawin,
        ]

    @classmethod
    def dari_list(cls, v: list[Any]) -> CitraStatistik:
        lahir = dt.date.fromordinal(v[3]) if v[3] is not None else None
        return cls(v[0], v[1], v[2], lahir, v[4], v[5], v[6], v[7])


def _kode(nilai: int | None, nama_daftar: str) -> str:
    return str(nilai) if nilai is not None and nilai in daftar(nama_daftar) else BELUM_MENGISI_KODE


def kontribusi(citra: CitraStatistik | None, acuan: dt.date) -> tuple[Grup, ...]:
    """Groups a resident counts in: one per category if living, none otherwise (dead, moved, deleted)."""
    if citra is None or citra.status_dasar != STATUS_DASAR_HIDUP:
        return ()
    kel = citra.kode_kelurahan
    jk = citra.sex if citra.sex in (1, 2) else 0
    assert jk is not None
    umur = rentang_untuk(citra.tanggallahir, acuan) or BELUM_MENGISI_KODE
    return (
        (kel, "jenis-kelamin", _kode(citra.sex, "jenis_kelamin"), jk),
        (kel, "kelompok-umur", umur, jk),
        (kel, "agama", _kode(citra.agama_id, "agama"), jk),
        (kel, "pendidikan-dalam-kk", _kode(citra.pendidikan_kk_id, "pendidikan_kk"), jk),
        (kel, "pekerjaan", _kode(citra.pekerjaan_id, "pekerjaan"), jk),
        (kel, "status-perkawinan", _kode(citra.status_kawin, "status_kawin"), jk),
    )
