"""Laporan bulanan (Permendagri 47/2016 format): population and families at the start and end of a month and
the vital events in between, for any wilayah and month, on the event-date or the report-date basis.

Stocks and flows come from the same history (``agregat_harian``), so by construction akhir bulan(m) =
awal bulan(m+1). The identity akhir = awal + lahir + datang − mati − pindah − hilang holds when every change of
who counts comes with a vital event; what does not (a deleted record, a correction, a first load) is shown in
its own row, ``selisih``, instead of being silently absorbed as OpenSID does (OpenSID#8233).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from satudata.kontribusi import LAPOR

Basis = Literal["peristiwa", "lapor"]

# Report rows fed by vital events: row → (kode_peristiwa of log_penduduk, id_peristiwa of log_keluarga, sign).
BARIS_MUTASI: dict[str, tuple[tuple[int, ...], tuple[int, ...], int]] = {
    "lahir": ((1,), (1, 12), +1),
    "mati": ((2,), (2,), -1),
    "datang": ((5,), (5,), +1),
    "pindah": ((3, 6), (3, 6), -1),
    "hilang": ((4,), (4,), -1),
}
JUDUL = {
    "awal": "Penduduk/keluarga awal bulan",
    "lahir": "Kelahiran / keluarga baru",
    "mati": "Kematian",
    "datang": "Pendatang",
    "pindah": "Pindah / keluarga pergi",
    "hilang": "Hilang",
    "akhir": "Penduduk/keluarga akhir bulan",
    "selisih": "Selisih: perubahan tanpa peristiwa (hapus, koreksi, muat awal)",
}
KOLOM = ("wni_l", "wni_p", "wna_l", "wna_p", "l", "p", "jumlah", "kk_l", "kk_p", "kk_jumlah")


@dataclass(slots=True)
class Baris:
    kode: str
    judul: str
    nilai: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KOLOM, 0))

    def tambah(self, wn: str, jk: int, n: int) -> None:
        if wn == "kk":
            if jk in (1, 2):
                self.nilai["kk_l" if jk == 1 else "kk_p"] += n
            self.nilai["kk_jumlah"] += n
            return
        if jk in (1, 2):
            sisi = "l" if jk == 1 else "p"
            self.nilai[f"{wn}_{sisi}"] += n
            self.nilai[sisi] += n
        self.nilai["jumlah"] += n


def rentang_bulan(tahun: int, bulan: int) -> tuple[dt.date, dt.date]:
    return dt.date(tahun, bulan, 1), dt.date(tahun, bulan, calendar.monthrange(tahun, bulan)[1])


def kategori_laporan(basis: Basis) -> dict[str, str]:
    akhiran = LAPOR if basis == "lapor" else ""
    return {
        "penduduk": "warga-negara" + akhiran,
        "keluarga": "keluarga" + akhiran,
        "peristiwa": "peristiwa" + akhiran,
        "peristiwa-keluarga": "peristiwa-keluarga" + akhiran,
    }


def sql_laporan(kolom_wilayah: str) -> str:
    """Rows (kategori, kode, jenis_kelamin, before the month, during the month) for parameters ``kategori``
    (array), ``wilayah``, ``awal``, ``akhir``."""
    return (
        "SELECT kategori, kode, jenis_kelamin, "
        "toInt64(sumIf(jumlah, tanggal < {awal:Date32})), toInt64(sumIf(jumlah, tanggal >= {awal:Date32})) "
        "FROM {db}.agregat_harian FINAL WHERE has({kategori:Array(String)}, kategori) "
        f"AND {kolom_wilayah} = {{wilayah:String}} AND tanggal <= {{akhir:Date32}} "
        "GROUP BY kategori, kode, jenis_kelamin"
    )


def susun_laporan(basis: Basis, rows: Iterable[tuple[str, str, int, int, int]]) -> list[Baris]:
    """The 7 report rows plus ``selisih`` from the query's rows."""
    kat = kategori_laporan(basis)
    baris = {k: Baris(k, JUDUL[k]) for k in ("awal", *BARIS_MUTASI, "akhir", "selisih")}
    for kategori, kode, jk, sebelum, selama in rows:
        if kategori == kat["penduduk"]:
            wn = "wna" if kode == "2" else "wni"
            baris["awal"].tambah(wn, jk, sebelum)
            baris["akhir"].tambah(wn, jk, sebelum + selama)
        elif kategori == kat["keluarga"]:
            baris["awal"].tambah("kk", jk, sebelum)
            baris["akhir"].tambah("kk", jk, sebelum + selama)
        elif kategori == kat["peristiwa"]:
            kode_peristiwa, _, wn_kode = kode.partition("|")
            for nama, (kode_p, _, _) in BARIS_MUTASI.items():
                if int(kode_peristiwa) in kode_p:
                    baris[nama].tambah("wna" if wn_kode == "2" else "wni", jk, selama)
        elif kategori == kat["peristiwa-keluarga"]:
            for nama, (_, kode_k, _) in BARIS_MUTASI.items():
                if int(kode) in kode_k:
                    baris[nama].tambah("kk", jk, selama)
    for k in KOLOM:
        hitung = baris["awal"].nilai[k] + sum(
            tanda * baris[nama].nilai[k] for nama, (_, _, tanda) in BARIS_MUTASI.items()
        )
        baris["selisih"].nilai[k] = baris["akhir"].nilai[k] - hitung
    return list(baris.values())
