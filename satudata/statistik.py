"""The statistics catalogue (OpenKab's 22 categories and the keluarga, bantuan, surat and peristiwa figures) and
the ClickHouse query of each, for any wilayah and any date.

Every query reads ``agregat_harian`` (net change per group per day, see :mod:`satudata.kontribusi`) and
returns ``(kode, jenis_kelamin, jumlah)`` rows; age bands are computed for the date asked. A stock is
``sum(jumlah)`` over ``tanggal <= per``; a flow (letters, vital events) over ``dari <= tanggal <= per``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from satudata.kode import daftar
from satudata.kontribusi import BELUM_MENGISI_KODE, KOLOM_PENDUDUK
from satudata.umur import rentang_set, sql_rentang, sql_umur
from satudata.warehouse.keadaan import sql_hidup

Bentuk = Literal["kode", "umur", "akta", "ktp", "dinamis", "ya-tidak", "tunggal"]


@dataclass(frozen=True, slots=True)
class Kategori:
    slug: str
    judul: str
    sumber: str  # kategori in agregat_harian
    bentuk: Bentuk = "kode"
    daftar: str | None = None  # code list (bentuk "kode")
    rentang: str | None = None  # age band set (bentuk "umur" / "akta")
    aliran: bool = False  # a flow over [dari, per] rather than a stock at per
    rekaman: str = "penduduk"

    def kode_kode(self, teramati: list[str] | None = None) -> list[tuple[str, str]]:
        """All (kode, label) rows of the category's table, in OpenSID order (``teramati``: codes seen in the
        data, for categories without a fixed list)."""
        if self.bentuk in ("umur", "akta"):
            assert self.rentang is not None
            return [(r.label, r.label) for r in rentang_set(self.rentang)]
        if self.bentuk == "ktp":
            return [(str(k), v) for k, v in daftar("status_rekam").label.items()]
        if self.bentuk == "ya-tidak":
            return [("1", "PUNYA"), ("0", "TIDAK PUNYA")]
        if self.bentuk == "tunggal":
            return [("1", self.judul.upper())]
        if self.daftar is not None:
            return [(str(k), v) for k, v in daftar(self.daftar).label.items()]
        return [(k, k) for k in sorted(set(teramati or ())) if k != BELUM_MENGISI_KODE]


def _k(slug: str, judul: str, daftar_: str) -> Kategori:
    return Kategori(slug, judul, slug, "kode", daftar_)


_JUDUL_KODE = {
    "jenis-kelamin": "Jenis Kelamin",
    "agama": "Agama",
    "pendidikan-dalam-kk": "Pendidikan dalam KK",
    "pendidikan-sedang-ditempuh": "Pendidikan Sedang Ditempuh",
    "pekerjaan": "Pekerjaan",
    "status-perkawinan": "Status Perkawinan",
    "hubungan-dalam-kk": "Hubungan dalam KK",
    "warga-negara": "Warga Negara",
    "status-penduduk": "Status Penduduk",
    "golongan-darah": "Golongan Darah",
    "penyandang-cacat": "Penyandang Cacat",
    "penyakit-menahun": "Penyakit Menahun",
    "akseptor-kb": "Akseptor KB",
    "asuransi-kesehatan": "Asuransi Kesehatan",
}

KATEGORI: dict[str, Kategori] = {
    k.slug: k
    for k in (
        Kategori("rentang-umur", "Rentang Umur", "umur", "umur", rentang="opensid-rentang"),
        Kategori("kategori-umur", "Kategori Umur", "umur", "umur", rentang="opensid-kategori"),
        Kategori("kelompok-umur", "Kelompok Umur (BPS 5 tahunan)", "umur", "umur", rentang="bps-5-tahun"),
        Kategori("umur-opendk", "Kelompok Umur (OpenDK)", "umur", "umur", rentang="opendk"),
        *(_k(slug, judul, KOLOM_PENDUDUK[slug][1]) for slug, judul in _JUDUL_KODE.items()),
        Kategori("akta-kelahiran", "Akta Kelahiran", "akta-kelahiran", "akta", rentang="opensid-rentang"),
        Kategori("ktp", "Kepemilikan KTP (wajib KTP)", "ktp", "ktp"),
        Kategori("suku", "Suku / Etnis", "suku", "dinamis"),
        Kategori("bpjs-ketenagakerjaan", "BPJS Ketenagakerjaan", "bpjs-ketenagakerjaan", "ya-tidak"),
        Kategori("status-kehamilan", "Status Kehamilan (perempuan)", "status-kehamilan", "kode", "hamil"),
        Kategori("akta-perkawinan", "Akta Perkawinan (penduduk kawin)", "akta-perkawinan", "ya-tidak"),
        Kategori("keluarga", "Keluarga Aktif (menurut jenis kelamin kepala keluarga)", "keluarga", "tunggal",
                 rekaman="keluarga"),
        Kategori("kelas-sosial", "Kelas Sosial Keluarga", "kelas-sosial", "kode", "kelas_sosial",
                 rekaman="keluarga"),
        Kategori("bantuan", "Penerima Bantuan per Program", "bantuan", "dinamis", rekaman="bantuan-peserta"),
        Kategori("bantuan-sasaran", "Penerima Bantuan per Sasaran", "bantuan-sasaran", "kode", "sasaran_bantuan",
                 rekaman="bantuan-peserta"),
        Kategori("surat", "Surat Keluar per Jenis", "surat", "dinamis", aliran=True, rekaman="surat"),
    )
}  # fmt: skip

_TANPA_LAHIR = "toDate32('1900-01-01')"


def _filter(kolom_wilayah: str) -> str:
    return (
        f"FROM {{db}}.agregat_harian FINAL WHERE kategori = {{kategori:String}} "
        f"AND {kolom_wilayah} = {{wilayah:String}} AND tanggal <= {{per:Date32}}"
    )


def sql_kategori(kat: Kategori, kolom_wilayah: str, *, per_kelurahan: bool = False) -> str:
    """SQL returning ``(kode, jenis_kelamin, jumlah)`` for parameters ``kategori``, ``wilayah``, ``per``
    (and ``dari`` for flows); with ``per_kelurahan`` the rows start with ``kode_kelurahan``. The columns are
    named ``kelompok, jk, banyak`` so that the dashboards can wrap the query."""
    where = _filter(kolom_wilayah) + (" AND tanggal >= {dari:Date32}" if kat.aliran else "")
    kel = "kode_kelurahan, " if per_kelurahan else ""
    if kat.bentuk in ("kode", "dinamis", "ya-tidak", "tunggal"):
        return (
            f"SELECT {kel}kode AS kelompok, jenis_kelamin AS jk, toInt64(sum(jumlah)) AS banyak {where} "
            f"GROUP BY {kel}kelompok, jk"
        )
    umur = sql_umur("tanggal_lahir", "{per:Date32}")
    # Age is computed once per (code, sex, birth date) row, as ``u``, and the bands are read from it.
    inner = (
        f"SELECT {kel}kode, jenis_kelamin, tanggal_lahir, {umur} AS u, sum(jumlah) AS n {where} "
        f"GROUP BY {kel}kode, jenis_kelamin, tanggal_lahir"
    )
    if kat.bentuk in ("umur", "akta"):
        assert kat.rentang is not None
        ada = "kode != ''" if kat.bentuk == "umur" else f"kode = '1' AND tanggal_lahir > {_TANPA_LAHIR}"
        band = f"if({ada}, {sql_rentang(kat.rentang, 'u')}, '')"
        return (
            f"SELECT {kel}{band} AS kelompok, jenis_kelamin AS jk, toInt64(sum(n)) AS banyak FROM ({inner}) "
            f"GROUP BY {kel}kelompok, jk"
        )
    # ktp: kode "status_rekam|pernah_kawin|ktp_el"; counted among those obliged to hold one at ``per`` (aged
    # 17 or more, or ever married), KIA holders (ktp_el 3) excluded, as OpenSID's statistic 18.
    wajib = f"(parts[2] = '1' OR (tanggal_lahir > {_TANPA_LAHIR} AND u >= 17)) AND parts[3] != '3'"
    return (
        f"SELECT {kel}parts[1] AS kelompok, jenis_kelamin AS jk, toInt64(sum(n)) AS banyak FROM ("
        f"SELECT {kel}splitByChar('|', kode) AS parts, jenis_kelamin, tanggal_lahir, u, n FROM ({inner})) "
        f"WHERE {wajib} GROUP BY {kel}kelompok, jk"
    )


def parameter(kat: Kategori, wilayah: str, per: dt.date, dari: dt.date | None = None) -> dict[str, Any]:
    p: dict[str, Any] = {"kategori": kat.sumber, "wilayah": wilayah, "per": per}
    if kat.aliran:
        p["dari"] = dari or per.replace(day=1)
    return p


def sql_nama_program(kolom_wilayah: str) -> str:
    """(kode_kelurahan, program id, name) of the bantuan programmes known on ``{per}`` (names normalised)."""
    return (
        "SELECT kode_kelurahan, toString(id) AS program, upper(trim(BOTH ' ' FROM ifNull(nama, ''))) AS nama_program "
        f"FROM ({sql_hidup('bantuan-program', kolom_wilayah)})"
    )
