"""Compiling an indicator to parameterised ClickHouse SQL over the record states as of the date asked
(:func:`satudata.warehouse.keadaan.sql_hidup`); the values of its conditions travel as parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from satudata import keluarga
from satudata.kode import STATUS_DASAR_HIDUP, daftar
from satudata.sektoral.definisi import KOLOM_JK, RELASI, Indikator, Kumpulan, Syarat, Terkait
from satudata.umur import sql_umur
from satudata.warehouse.keadaan import sql_hidup


def sql_kode(kolom_sql: str, nama_daftar: str) -> str:
    """The code of a code column as text, ``''`` (BELUM MENGISI) when missing or outside list ``nama_daftar``:
    the ``kode`` of :mod:`satudata.kontribusi`. The list is inlined: its codes are the shipped integers."""
    kode = ", ".join(str(k) for k in daftar(nama_daftar).label)
    return f"if(has([{kode}], {kolom_sql}), toString(assumeNotNull({kolom_sql})), '')"


def sql_jk(kolom_sql: str) -> str:
    """Sex as UInt8: 1 or 2, 0 when unknown (as in the aggregates)."""
    return f"toUInt8(if(has([1, 2], {kolom_sql}), assumeNotNull({kolom_sql}), 0))"


def _alias(jenis: str) -> str:
    return "j_" + jenis.replace("-", "_")


def _dasar(jenis: str, alias: str) -> str:
    """The records a sumber counts at all: living residents, active families, every participant."""
    if jenis == "penduduk":
        return f"{alias}.status_dasar = {STATUS_DASAR_HIDUP}"
    if jenis == "keluarga":
        return f"ifNull({alias}.status_dasar = {keluarga.STATUS_DASAR_AKTIF}, 1)"
    return ""


def _dan(*bagian: str) -> str:
    """``a AND b …`` of the non-empty parts (``1`` when none)."""
    isi = [b for b in bagian if b and b != "1"]
    return " AND ".join(isi) if isi else "1"


@dataclass(frozen=True, slots=True)
class Kueri:
    """SQL returning ``(kode, jenis_kelamin, pembilang, pembagi)`` rows; parameters ``wilayah`` and ``per``
    are added by the caller."""

    sql: str
    parameter: dict[str, Any]


class _Penyusun:
    def __init__(self, kolom_wilayah: str) -> None:
        self.kolom_wilayah = kolom_wilayah
        self.parameter: dict[str, Any] = {}
        self.gabung: list[str] = []  # forward joins used, in order
        self.subkueri = 0

    def param(self, nilai: Any, tipe: str) -> str:
        nama = f"p{len(self.parameter)}"
        self.parameter[nama] = nilai
        return f"{{{nama}:{tipe}}}"

    def sumber(self, jenis: str) -> str:
        return f"({sql_hidup(jenis, self.kolom_wilayah)})"

    def kolom(self, nama: str, alias: str) -> str:
        if "." in nama:
            tujuan, nama = nama.split(".", 1)
            if tujuan not in self.gabung:
                self.gabung.append(tujuan)
            return f"{_alias(tujuan)}.{nama}"
        return f"{alias}.{nama}"

    def syarat(self, s: Syarat, alias: str) -> str:
        k = self.kolom(s.kolom, alias)
        if s.operasi == "kosong":
            return f"isNull({k})"
        if s.operasi == "terisi":
            return f"isNotNull({k})"
        tipe = "Array(String)" if isinstance(s.nilai[0], str) else "Array(Int64)"
        ada = f"has({self.param(list(s.nilai), tipe)}, {k})"  # 0 for a missing value
        return ada if s.operasi == "dalam" else f"NOT {ada}"

    def kumpulan(self, k: Kumpulan, sumber: str, alias: str) -> str:
        bagian = [self.syarat(s, alias) for s in k.syarat]
        if k.umur is not None:
            u = sql_umur(f"{alias}.tanggallahir", "{per:Date32}")
            batas = f"{u} >= {k.umur.dari}" + (
                f" AND {u} <= {k.umur.sampai}" if k.umur.sampai is not None else ""
            )
            bagian.append(f"ifNull({batas}, 0)")
        if k.salah_satu:
            bagian.append(
                "(" + " OR ".join(f"({self.kumpulan(x, sumber, alias)})" for x in k.salah_satu) + ")"
            )
        for t in k.terkait:
            bagian.append(self.terkait(t, sumber, alias))
        return _dan(*bagian)

    def terkait(self, t: Terkait, sumber: str, alias: str) -> str:
        self.subkueri += 1
        a = f"r{self.subkueri}"
        kunci = RELASI[(t.sumber, sumber)]
        syarat = self.kumpulan(t.syarat, t.sumber, a)
        sub = (
            f"SELECT {a}.kode_kelurahan, assumeNotNull({a}.{kunci}) FROM {self.sumber(t.sumber)} AS {a} "
            f"WHERE {_dan(f'isNotNull({a}.{kunci})', _dasar(t.sumber, a), syarat)}"
        )
        return f"({alias}.kode_kelurahan, {alias}.id) {'IN' if t.ada else 'NOT IN'} ({sub})"

    def join(self, sumber: str) -> str:
        out = []
        for tujuan in self.gabung:
            j = _alias(tujuan)
            out.append(
                f"LEFT JOIN (SELECT * FROM {self.sumber(tujuan)} AS d WHERE {_dan(_dasar(tujuan, 'd'))}) AS {j} "
                f"ON s.kode_kelurahan = {j}.kode_kelurahan AND s.{RELASI[(sumber, tujuan)]} = {j}.id"
            )
        return " ".join(out)


def kueri(ind: Indikator, kolom_wilayah: str) -> Kueri:
    """Compile an indicator for a wilayah column (``kode_kota``, ``kode_kecamatan``, ``kode_kelurahan``)."""
    p = _Penyusun(kolom_wilayah)
    r = ind.rincian
    kode = sql_kode(p.kolom(r.kolom, "s"), r.daftar or "") if r.kolom else "''"
    jk = sql_jk(f"s.{KOLOM_JK[ind.sumber]}")
    syarat = p.kumpulan(ind.syarat, ind.sumber, "s")
    if ind.pembagi is None:
        hitung, saring = "count(), toUInt64(0)", syarat
    else:
        hitung, saring = f"countIf({syarat}), count()", p.kumpulan(ind.pembagi, ind.sumber, "s")
    sql = (
        f"SELECT {kode} AS kode_, {jk} AS jk_, {hitung} FROM {p.sumber(ind.sumber)} AS s {p.join(ind.sumber)} "
        f"WHERE {_dan(_dasar(ind.sumber, 's'), saring)} GROUP BY kode_, jk_"
    )
    return Kueri(sql, p.parameter)
