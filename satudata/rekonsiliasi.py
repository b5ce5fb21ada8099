"""Reconciliation: every statistic recomputed from the record states and compared with the maintained aggregates.

The recount reads the ``<jenis>_versi`` tables (every version of every record) as of the date asked and applies
each category's rule in SQL, written here a second time and on purpose independently of the Python rules in
:mod:`satudata.kontribusi` that feed ``agregat_harian``. Any difference — a lost or doubled change, a wrong rule
on either side, a sink that fell behind — is drift. The invariants of the tables are checked too: kelurahan sum
to their kecamatan and kecamatan to the kota, JUMLAH + BELUM MENGISI = TOTAL, "as of today" equals the sum of
every change, and each month's akhir bulan equals the next month's awal bulan.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from satudata.kode import daftar
from satudata.kontribusi import BELUM_MENGISI_KODE, KOLOM_PENDUDUK
from satudata.laporan import Basis, kategori_laporan, rentang_bulan, sql_laporan, susun_laporan
from satudata.statistik import KATEGORI, Kategori, parameter, sql_kategori
from satudata.umur import sql_rentang, sql_umur
from satudata.warehouse.client import Gudang
from satudata.warehouse.keadaan import sql_hidup
from satudata.wilayah import ReferensiWilayah, Tingkat

Hitungan = Counter[tuple[str, str, int]]  # (kode_kelurahan, kode, jenis_kelamin) → count


@dataclass(frozen=True, slots=True)
class Selisih:
    """One figure that does not reconcile."""

    pemeriksaan: str
    wilayah: str
    kategori: str
    kode: str
    jenis_kelamin: int
    harapan: int
    nyata: int


def _kode(kolom: str, nama_daftar: str) -> str:
    kode = ", ".join(str(k) for k in daftar(nama_daftar).label)
    return f"if({kolom} IN ({kode}), toString({kolom}), '')"


def _ada(kolom: str) -> str:
    return f"if(isNull({kolom}), '', toString({kolom}))"


_JK = "if(sex IN (1, 2), sex, 0)"


def sql_hitung_ulang(kat: Kategori) -> str:
    """``(kode_kelurahan, kode, jenis_kelamin, n)`` of a stock category from record states on ``{per}``."""
    umur = sql_umur("tanggallahir", "{per:Date32}")
    if kat.rekaman == "penduduk":
        sumber, jk, syarat = sql_hidup("penduduk"), _JK, "status_dasar = 1"
        if kat.bentuk == "umur":
            assert kat.rentang is not None
            kode = f"if(isNull(tanggallahir), '', {sql_rentang(kat.rentang, umur)})"
        elif kat.bentuk == "akta":
            assert kat.rentang is not None
            kode = f"if(akta_lahir = 1 AND NOT isNull(tanggallahir), {sql_rentang(kat.rentang, umur)}, '')"
        elif kat.bentuk == "ktp":
            kode = _kode("status_rekam", "status_rekam")
            syarat += (
                f" AND (status_kawin IN (2, 3, 4) OR (NOT isNull(tanggallahir) AND {umur} >= 17))"
                " AND ifNull(ktp_el, 0) != 3"
            )
        elif kat.slug == "suku":
            kode = "ifNull(suku, '')"
        elif kat.slug == "bpjs-ketenagakerjaan":
            kode = _ada("bpjs_ketenagakerjaan")
        elif kat.slug == "akta-perkawinan":
            kode, syarat = _ada("akta_perkawinan"), syarat + " AND status_kawin = 2"
        elif kat.slug == "status-kehamilan":
            kode, syarat = _kode("hamil", "hamil"), syarat + " AND sex = 2"
        else:
            kolom, nama_daftar = KOLOM_PENDUDUK[kat.slug]
            kode = _kode(kolom, nama_daftar)
    elif kat.rekaman == "keluarga":
        sumber, syarat = sql_hidup("keluarga"), "ifNull(status_dasar, 1) = 1"
        jk = "if(jenis_kelamin_kepala IN (1, 2), jenis_kelamin_kepala, 0)"
        kode = "'1'" if kat.slug == "keluarga" else _kode("kelas_sosial", "kelas_sosial")
    else:  # bantuan-peserta
        sumber, syarat = sql_hidup("bantuan-peserta"), "1"
        jk = "if(jenis_kelamin IN (1, 2), jenis_kelamin, 0)"
        kode = "toString(program_id)" if kat.slug == "bantuan" else _kode("sasaran", "sasaran_bantuan")
    return (
        f"SELECT kode_kelurahan, {kode} AS k, {jk} AS jk, toInt64(count()) FROM ({sumber}) "
        f"WHERE {syarat} GROUP BY kode_kelurahan, k, jk"
    )


def _counter(rows: list[tuple[object, ...]]) -> Hitungan:
    return Counter({(str(r[0]), str(r[1]), int(str(r[2]))): int(str(r[3])) for r in rows if r[3]})


def _bandingkan(cek: str, kategori: str, harapan: Hitungan, nyata: Hitungan) -> list[Selisih]:
    return [
        Selisih(cek, k[0], kategori, k[1], k[2], harapan[k], nyata[k])
        for k in sorted(set(harapan) | set(nyata))
        if harapan[k] != nyata[k]
    ]


async def periksa_statistik(gudang: Gudang, ref: ReferensiWilayah, per: dt.date) -> list[Selisih]:
    """Every stock category of every kelurahan: aggregates = recount; kelurahan → kecamatan → kota sums."""
    kota = ref.kota.kode
    out: list[Selisih] = []
    for kat in KATEGORI.values():
        if kat.aliran:
            continue
        p = parameter(kat, kota, per)
        nyata = _counter(await gudang.query(sql_kategori(kat, "kode_kota", per_kelurahan=True), p))
        harapan = _counter(await gudang.query(sql_hitung_ulang(kat), p))
        out += _bandingkan("agregat = hitung ulang dari keadaan rekaman", kat.slug, harapan, nyata)
        for w in (ref.kota, *ref.semua(Tingkat.KECAMATAN)):
            baris = await gudang.query(sql_kategori(kat, w.kolom), parameter(kat, w.kode, per))
            tingkat = Counter({(w.kode, str(r[0]), int(r[1])): int(r[2]) for r in baris if r[2]})
            jumlah: Hitungan = Counter()
            for (kel, kode, jk), n in nyata.items():
                if kel.startswith(w.kode):
                    jumlah[(w.kode, kode, jk)] += n
            out += _bandingkan(f"jumlah kelurahan = {w.tingkat}", kat.slug, jumlah, tingkat)
            out += _ringkasan(kat, w.kode, tingkat)
    return out


def _ringkasan(kat: Kategori, wilayah: str, hitungan: Hitungan) -> list[Selisih]:
    """JUMLAH + BELUM MENGISI = TOTAL: every counted code is in the category's list or is BELUM MENGISI."""
    teramati = sorted({k for _, k, _ in hitungan})
    dikenal = {k for k, _ in kat.kode_kode(teramati)} | {BELUM_MENGISI_KODE}
    return [
        Selisih("JUMLAH + BELUM MENGISI = TOTAL (kode di luar daftar)", wilayah, kat.slug, k, jk, 0, n)
        for (_, k, jk), n in sorted(hitungan.items())
        if k not in dikenal
    ]


async def periksa_hari_ini(gudang: Gudang, hari_ini: dt.date) -> list[Selisih]:
    """Nothing is dated after today: "as of today" equals the sum of every change."""
    rows = await gudang.query(
        "SELECT kategori, kode_kelurahan, toInt64(sum(jumlah)) FROM {db}.agregat_harian FINAL "
        "WHERE tanggal > {hari:Date32} GROUP BY kategori, kode_kelurahan HAVING sum(jumlah) != 0",
        {"hari": hari_ini},
    )
    return [
        Selisih("per hari ini = seluruh perubahan", str(r[1]), str(r[0]), "", 0, 0, int(r[2])) for r in rows
    ]


async def periksa_laporan(
    gudang: Gudang, ref: ReferensiWilayah, bulan: list[tuple[int, int]], basis: Basis
) -> list[Selisih]:
    """akhir bulan(m) = awal bulan(m+1) at kota level, for consecutive months, every column."""
    out: list[Selisih] = []
    sebelumnya: dict[str, int] | None = None
    for tahun, b in bulan:
        awal, akhir = rentang_bulan(tahun, b)
        rows = await gudang.query(
            sql_laporan("kode_kota"),
            {"kategori": list(kategori_laporan(basis).values()), "wilayah": ref.kota.kode, "awal": awal,
             "akhir": akhir},
        )  # fmt: skip
        hasil = susun_laporan(basis, ((str(r[0]), str(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows))
        baris = {x.kode: x.nilai for x in hasil}
        if sebelumnya is not None:
            for kolom, n in baris["awal"].items():
                if n != sebelumnya[kolom]:
                    cek = f"akhir bulan = awal {tahun}-{b:02d} ({basis})"
                    out.append(Selisih(cek, ref.kota.kode, "laporan-bulanan", kolom, 0, sebelumnya[kolom], n))
        sebelumnya = baris["akhir"]
    return out
