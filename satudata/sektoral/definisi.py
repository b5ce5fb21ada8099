"""The sector definition: the YAML format of ``data/sektoral/<sektor>.yaml``, the catalogue of what it may
name, and its parsed form (loaded and validated by :mod:`satudata.sektoral.muat`). The YAML holds no SQL:
every column, code, code list, record type and join it names is checked against the catalogue below.

The format::

    sektor: dukcapil                   # slug, the file's name
    judul: Administrasi Kependudukan
    opd: Dinas Kependudukan dan Pencatatan Sipil
    deskripsi: ...
    sembunyikan_di_bawah: 5            # optional (5): cells of 1 to N-1 are hidden; 0 = none (SATU_DATA §4.4)
    sembunyikan_pelengkap: true        # optional (true): also hide cells from which a hidden one could be derived
    indikator:
      - kode: cakupan-akta-lahir
        judul: Cakupan kepemilikan akta kelahiran anak 0–17 tahun
        deskripsi: ...                 # optional
        sumber: penduduk               # penduduk | keluarga | bantuan-peserta
        satuan: persen                 # orang (penduduk) | keluarga (keluarga) | peserta (bantuan-peserta) | persen
        pembagi:                       # persen only: the population the percentage is of
          umur: {dari: 0, sampai: 17}
        syarat:                        # what is counted; for persen, the numerator (within the pembagi)
          akta_lahir: 1
        rincian: [jenis_kelamin]       # optional: jenis_kelamin and/or one code column (or {kolom: …, daftar: …})

Conditions (``syarat``, ``pembagi``; all of them must hold)::

    cacat_id: 3                        equal (long form {sama: 3})
    cacat_id: [1, 2, 3]                one of (long form {dalam: [1, 2, 3]})
    ktp_el: {bukan: [3]}               none of (a missing value is "none of")
    hamil: {kosong: true}              missing (false: filled in); ``hamil: null`` is the same as true
    keluarga.kelas_sosial: [1, 2]      a column of a declared join (bantuan-peserta → keluarga / penduduk)
    umur: {dari: 7, sampai: 12}        whole years at the date asked (``sampai`` optional: no upper bound)
    salah_satu: [{...}, {...}]         at least one of these condition sets holds
    dengan: bantuan-peserta            a related record exists (a declared join read backwards);
    tanpa: bantuan-peserta             none exists; both also as {sumber: bantuan-peserta, syarat: {...}}

Every sumber counts what the statistics count: living residents (status_dasar 1 HIDUP), active families
(status_dasar 1 or missing) and every participant, so ``status_dasar`` is not a condition here. Names,
addresses, NIK/KK pseudonyms and dusun/RW/RT are not available (the lowest published level is the kelurahan).
Through a forward join, a participant whose family or resident is missing, deleted or no longer active/living
has missing values for every joined column (BELUM MENGISI in a breakdown).
Small counts are suppressed per cell; zero is shown (:func:`satudata.sektoral.sel.susun_sel`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from satudata import keluarga, penduduk
from satudata.citra import CITRA

SUMBER = ("penduduk", "keluarga", "bantuan-peserta")
# What a count of each record type is called; a percentage ("persen") may be of any of them.
SATUAN_HITUNG = {"penduduk": "orang", "keluarga": "keluarga", "bantuan-peserta": "peserta"}
SATUAN = (*SATUAN_HITUNG.values(), "persen")
# The sex column behind ``rincian: [jenis_kelamin]`` (a family's is its head's).
KOLOM_JK = {"penduduk": "sex", "keluarga": "jenis_kelamin_kepala", "bantuan-peserta": "jenis_kelamin"}
# Code list of each code column.
DAFTAR_KOLOM: dict[str, dict[str, str]] = {
    "penduduk": dict(penduduk.KOLOM_KODE),
    "keluarga": dict(keluarga.KOLOM_KODE),
    "bantuan-peserta": {"sasaran": "sasaran_bantuan", "jenis_kelamin": "jenis_kelamin"},
}
# Declared joins, (from, to) → the column of ``from`` holding the ``id`` of ``to`` in the same kelurahan.
# Read forwards as ``to.kolom`` columns of ``from``; backwards as ``dengan``/``tanpa: from`` conditions of ``to``.
RELASI: dict[tuple[str, str], str] = {
    ("bantuan-peserta", "keluarga"): "id_keluarga",
    ("bantuan-peserta", "penduduk"): "id_penduduk",
}
JenisKolom = Literal["kode", "ada", "teks", "tanggal", "id"]
# Not conditions: fixed per sumber (status_dasar), or below the lowest published level (dusun, RW, RT).
KOLOM_TERLARANG = {
    "status_dasar": "status_dasar tidak dapat dipakai: penduduk dihitung bila HIDUP dan keluarga bila aktif, "
    "seperti pada statistik",
    "dusun": "dusun/RW/RT tidak dapat dipakai: tingkat penyajian terendah adalah kelurahan",
    "rw": "dusun/RW/RT tidak dapat dipakai: tingkat penyajian terendah adalah kelurahan",
    "rt": "dusun/RW/RT tidak dapat dipakai: tingkat penyajian terendah adalah kelurahan",
}
_JENIS_KOLOM: dict[str, JenisKolom] = {
    "Nullable(Int16)": "kode",
    "Nullable(UInt8)": "ada",
    "Nullable(String)": "teks",
    "Nullable(Date32)": "tanggal",
    "Nullable(Int64)": "id",
}

Operasi = Literal["dalam", "bukan", "kosong", "terisi"]
Nilai = int | str
AMBANG_BAWAAN = 5


class SektoralError(ValueError):
    """A sector definition that cannot be used; the message names the file, the indicator and the key."""


@dataclass(frozen=True, slots=True)
class InfoKolom:
    jenis: JenisKolom
    daftar: str | None  # code list of a code column


@cache
def katalog(sumber: str) -> dict[str, InfoKolom]:
    """The columns of ``sumber`` conditions and breakdowns may name."""
    out: dict[str, InfoKolom] = {}
    for k in CITRA[sumber]:
        jenis = _JENIS_KOLOM.get(k.tipe)
        if jenis is None or k.nama in KOLOM_TERLARANG:  # "String": the NIK/KK pseudonyms
            continue
        out[k.nama] = InfoKolom(jenis, DAFTAR_KOLOM[sumber].get(k.nama) if jenis == "kode" else None)
    return out


# -- the parsed definition --


@dataclass(frozen=True, slots=True)
class Syarat:
    kolom: str  # "cacat_id", or "keluarga.kelas_sosial" through a declared join
    operasi: Operasi
    nilai: tuple[Nilai, ...] = ()


@dataclass(frozen=True, slots=True)
class Umur:
    dari: int
    sampai: int | None  # inclusive; None = no upper bound


@dataclass(frozen=True, slots=True)
class Terkait:
    sumber: str
    ada: bool  # dengan (True) / tanpa (False)
    syarat: Kumpulan


@dataclass(frozen=True, slots=True)
class Kumpulan:
    """A condition set: every part must hold (``salah_satu``: at least one of its sets)."""

    syarat: tuple[Syarat, ...] = ()
    umur: Umur | None = None
    salah_satu: tuple[Kumpulan, ...] = ()
    terkait: tuple[Terkait, ...] = ()


@dataclass(frozen=True, slots=True)
class Rincian:
    jenis_kelamin: bool = False
    kolom: str | None = None
    daftar: str | None = None

    def nama(self) -> list[str]:
        return (["jenis_kelamin"] if self.jenis_kelamin else []) + ([self.kolom] if self.kolom else [])


@dataclass(frozen=True, slots=True)
class Indikator:
    kode: str
    judul: str
    deskripsi: str
    satuan: str
    sumber: str
    syarat: Kumpulan
    pembagi: Kumpulan | None  # the population of a percentage (satuan persen)
    rincian: Rincian

    @property
    def persen(self) -> bool:
        return self.pembagi is not None


@dataclass(frozen=True, slots=True)
class Sektor:
    sektor: str
    judul: str
    opd: str
    deskripsi: str
    indikator: tuple[Indikator, ...]
    sembunyikan_di_bawah: int = AMBANG_BAWAAN
    sembunyikan_pelengkap: bool = True
    berkas: str = ""


def sumber_dipakai(sektor: Sektor) -> list[str]:
    """The record types a sector reads (for its freshness)."""
    out: set[str] = set()

    def kumpulan(k: Kumpulan, sumber: str) -> None:
        out.add(sumber)
        out.update(s.kolom.split(".")[0] for s in k.syarat if "." in s.kolom)
        for x in k.salah_satu:
            kumpulan(x, sumber)
        for t in k.terkait:
            kumpulan(t.syarat, t.sumber)

    for ind in sektor.indikator:
        kumpulan(ind.syarat, ind.sumber)
        if ind.pembagi is not None:
            kumpulan(ind.pembagi, ind.sumber)
        if ind.rincian.kolom and "." in ind.rincian.kolom:
            out.add(ind.rincian.kolom.split(".")[0])
    return sorted(out)
