"""``satudata bench kueri``: latency of every statistic and of the laporan bulanan, at Kota Bima and NTB scale.

After the initial load of ``bench muat`` (same hub, same process), every category of
:data:`satudata.statistik.KATEGORI` is asked at kota, kecamatan and a sample of kelurahan, live and as of three
past dates, plus the laporan bulanan at kota and kecamatan: over HTTP against the running API (what users
see) and as SQL only (``Gudang.query`` with ``sql_kategori``/``parameter`` and ``sql_laporan``, the API's own
queries). For NTB scale the loaded ``agregat_harian`` rows (nothing else) are copied with ``INSERT … SELECT``
under synthetic codes of NTB's other nine kabupaten/kota, then the same queries run per kota and for the whole
province. The API knows Kota Bima only and no province level, so those run as SQL only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import Progress

from api.routes.statistik import tanggal_per
from connectors.simulator.populasi import TANGGAL_ACUAN_BAKU
from satudata.cli.bench import (
    HubBench,
    catatan_hub,
    mesin,
    persentil,
    umumkan,
)
from satudata.cli.bench_muat import HasilMuat, baris_muat, setelah_muatan_awal
from satudata.laporan import Basis, kategori_laporan, rentang_bulan, sql_laporan
from satudata.settings import Settings
from satudata.statistik import KATEGORI, Kategori, parameter, sql_kategori
from satudata.warehouse.client import Gudang
from satudata.wilayah import Tingkat, referensi_kota_bima
from streams.sink import AGREGAT_KOLOM

TARGET_MS = 200.0
KOTA_BIMA = "5272"
PROVINSI = "52"
# NTB's other kabupaten/kota and how many copies of Kota Bima stand in for each (roughly in proportion to
# their population): 33 copies + Kota Bima itself ≈ 34 × 165 k ≈ 5.6 M residents at scale 1.0.
NTB: dict[str, tuple[str, int]] = {
    "5201": ("Lombok Barat", 4), "5202": ("Lombok Tengah", 7), "5203": ("Lombok Timur", 8),
    "5204": ("Sumbawa", 3), "5205": ("Dompu", 2), "5206": ("Bima", 3), "5207": ("Sumbawa Barat", 1),
    "5208": ("Lombok Utara", 2), "5271": ("Mataram", 3),
}  # fmt: skip
TERBESAR = max(NTB, key=lambda k: NTB[k][1])
KELUARGA = {  # category families of the report
    "umur": "residents, age-dependent (age bands, akta kelahiran, KTP)", "kode": "residents, coded attributes",
    "keluarga": "families", "bantuan": "assistance", "surat": "letters (a flow over a date range)",
    "laporan": "laporan bulanan (peristiwa and lapor basis)",
}  # fmt: skip


def keluarga(kat: Kategori) -> str:
    if kat.rekaman == "penduduk":
        return "umur" if kat.bentuk in ("umur", "akta", "ktp") else "kode"
    return {"keluarga": "keluarga", "bantuan-peserta": "bantuan", "surat": "surat"}[kat.rekaman]


@dataclass(frozen=True, slots=True)
class Kueri:
    """One statistic (``kategori``) or laporan bulanan (``basis``) for one region and date."""

    tingkat: str  # provinsi, kota, kecamatan or kelurahan
    wilayah: str  # undotted code (2 digits for the province)
    api: bool  # can the API answer it (a region in its reference)?
    kategori: Kategori | None = None
    per: dt.date | None = None  # None: live (the API's default, today)
    basis: Basis | None = None
    bulan: tuple[int, int] = (0, 0)

    @property
    def nama(self) -> str:
        return self.kategori.slug if self.kategori is not None else f"laporan-bulanan ({self.basis})"

    @property
    def keluarga(self) -> str:
        return keluarga(self.kategori) if self.kategori is not None else "laporan"

    @property
    def kolom(self) -> str:
        """The region filter: the API's column, or the code prefix for the province (no API level)."""
        return "left(kode_kota, 2)" if self.tingkat == "provinsi" else f"kode_{Tingkat(self.tingkat)}"

    def http(self) -> tuple[str, dict[str, str]]:
        if self.kategori is not None:
            p = {"wilayah": self.wilayah} | ({"per": self.per.isoformat()} if self.per else {})
            return f"/v1/statistik/{self.kategori.slug}", p
        tahun, bulan = self.bulan
        return "/v1/laporan-bulanan", {
            "tahun": str(tahun), "bulan": str(bulan), "wilayah": self.wilayah, "basis": str(self.basis),
        }  # fmt: skip

    def sql(self, hari_ini: dt.date) -> tuple[str, dict[str, Any]]:
        if self.kategori is not None:
            return sql_kategori(self.kategori, self.kolom), parameter(
                self.kategori, self.wilayah, self.per or hari_ini
            )
        assert self.basis is not None
        awal, akhir = rentang_bulan(*self.bulan)
        kategori = list(kategori_laporan(self.basis).values())
        return sql_laporan(self.kolom), {"kategori": kategori, "wilayah": self.wilayah, "awal": awal,
                                         "akhir": akhir}  # fmt: skip


@dataclass(slots=True)
class Ukuran:
    kueri: Kueri
    api_ms: float | None = None
    sql_ms: float | None = None


def tanggal_lalu(acuan: dt.date) -> list[dt.date]:
    """Three past dates: the end of the month before ``acuan``, one year and ten years before it."""
    return [acuan.replace(day=1) - dt.timedelta(days=1), acuan.replace(year=acuan.year - 1),
            acuan.replace(year=acuan.year - 10)]  # fmt: skip


def kueri_wilayah(
    tingkat: str, wilayah: str, api: bool, tanggal: list[dt.date | None], bulan: tuple[int, int] | None
) -> list[Kueri]:
    """Every category at every date for one region, and the laporan bulanan (both bases) when ``bulan``."""
    out = [Kueri(tingkat, wilayah, api, kat, per) for kat in KATEGORI.values() for per in tanggal]
    if bulan is not None:
        out += [Kueri(tingkat, wilayah, api, basis=b, bulan=bulan) for b in ("peristiwa", "lapor")]
    return out


async def _api(client: httpx.AsyncClient, q: Kueri) -> float:
    path, params = q.http()
    t0 = time.perf_counter()
    r = await client.get(path, params=params)
    ms = 1000 * (time.perf_counter() - t0)
    if r.status_code != 200:
        raise RuntimeError(f"API menjawab {r.status_code} untuk {path} {params}: {r.text[:300]}")
    return ms


async def _sql(gudang: Gudang, q: Kueri, hari_ini: dt.date) -> float:
    sql, params = q.sql(hari_ini)
    t0 = time.perf_counter()
    await gudang.query(sql, params)
    return 1000 * (time.perf_counter() - t0)


async def ukur(
    daftar: list[Kueri], gudang: Gudang, client: httpx.AsyncClient, hari_ini: dt.date, console: Console,
    judul: str, seed: int,
) -> list[Ukuran]:  # fmt: skip
    """Warm up (one untimed query per category and level), then time every query: all API requests, then all
    SQL, each pass in the same seeded random order."""
    pemanasan = list({(q.nama, q.tingkat): q for q in reversed(daftar)}.values())
    hasil = [Ukuran(q) for q in daftar]
    urutan = list(range(len(daftar)))
    random.Random(seed).shuffle(urutan)
    n_api = sum(q.api for q in daftar)
    with Progress(console=console) as progress:
        t = progress.add_task(f"{judul}: pemanasan", total=len(pemanasan))
        for q in pemanasan:
            if q.api:
                await _api(client, q)
            await _sql(gudang, q, hari_ini)
            progress.advance(t)
        t = progress.add_task(f"{judul}: lewat API (HTTP)", total=n_api)
        for i in urutan:
            if daftar[i].api:
                hasil[i].api_ms = await _api(client, daftar[i])
                progress.advance(t)
        t = progress.add_task(f"{judul}: SQL saja", total=len(daftar))
        for i in urutan:
            hasil[i].sql_ms = await _sql(gudang, daftar[i], hari_ini)
            progress.advance(t)
    return hasil


async def penduduk(gudang: Gudang, tingkat: str, wilayah: str, hari_ini: dt.date) -> int:
    """Living residents today (the jenis-kelamin statistic summed), by the API's query."""
    sql, params = Kueri(tingkat, wilayah, False, KATEGORI["jenis-kelamin"]).sql(hari_ini)
    return sum(int(r[2]) for r in await gudang.query(sql, params))


async def keadaan_tabel(gudang: Gudang, console: Console, batas_s: float = 600.0) -> str:
    """Wait (at most ``batas_s``) for background merges of agregat_harian to finish, so that they do not run
    during the timing; describe the table's rows and parts."""
    filter_ = "WHERE database = {d:String} AND table = 'agregat_harian'"
    t0, selesai = time.perf_counter(), False
    with console.status("Menunggu merge latar belakang agregat_harian selesai…"):
        while not selesai and time.perf_counter() - t0 < batas_s:
            merge = await gudang.query(f"SELECT count() FROM system.merges {filter_}", {"d": gudang.db})
            selesai = int(merge[0][0]) == 0
            if not selesai:
                await asyncio.sleep(1.0)
    rows = await gudang.query(
        f"SELECT sum(rows), count() FROM system.parts {filter_} AND active", {"d": gudang.db}
    )
    catatan = "" if selesai else f", merges still running after {batas_s:.0f} s"
    return f"agregat_harian {int(rows[0][0]):,} rows in {int(rows[0][1])} parts{catatan}"


async def replikasi_ntb(gudang: Gudang, console: Console) -> None:
    """Copy Kota Bima's agregat_harian rows (as read with FINAL) under NTB's other kabupaten/kota codes: copy
    ``s`` of kota K gets kecamatan K + (kecamatan number + 5·s) and its kelurahan the same 4-digit suffix."""
    langkah = max(int(w.kode[4:6]) for w in referensi_kota_bima().semua(Tingkat.KECAMATAN))
    nomor = "toUInt32(substring(kode_kecamatan, 5, 2)) + s * {l:UInt32}"
    kec = f"concat({{kota:String}}, leftPad(toString({nomor}), 2, '0'))"
    sql = (
        f"INSERT INTO {{db}}.agregat_harian ({', '.join(AGREGAT_KOLOM)}) SELECT kategori, {{kota:String}}, {kec}, "
        f"concat({kec}, substring(kode_kelurahan, 7)), kode, jenis_kelamin, tanggal_lahir, tanggal, sumber_topik, "
        "sumber_partisi, jumlah, versi, diperbarui FROM {db}.agregat_harian FINAL "
        "ARRAY JOIN range({n:UInt32}) AS s WHERE kode_kota = {asal:String}"
    )
    with Progress(console=console) as progress:
        t = progress.add_task("Menyalin agregat_harian ke kode NTB", total=sum(n for _, n in NTB.values()))
        for kota, (_, n) in NTB.items():
            if n * langkah > 99:
                raise ValueError(f"{n} salinan × {langkah} kecamatan tidak muat di kode kecamatan 2 digit")
            await gudang.query(sql, {"kota": kota, "l": langkah, "n": n, "asal": KOTA_BIMA})
            progress.advance(t, n)


def _ms(x: float) -> str:
    return f"{x:.1f}" if x < 10 else f"{x:,.0f}"


def _ringkas(xs: list[float]) -> str:
    xs = sorted(xs)
    return f"{_ms(persentil(xs, 50))} / {_ms(persentil(xs, 95))} / {_ms(xs[-1])}" if xs else "—"


def tabel(ukuran: list[Ukuran], judul: str, kelompok: list[tuple[str, Callable[[Ukuran], bool]]]) -> str:
    out = f"| {judul} | queries (API / SQL) | API p50 / p95 / max (ms) | SQL p50 / p95 / max (ms) |\n"
    out += "|---|---|---|---|\n"
    for label, pilih in kelompok:
        api = [u.api_ms for u in ukuran if pilih(u) and u.api_ms is not None]
        sql = [u.sql_ms for u in ukuran if pilih(u) and u.sql_ms is not None]
        if sql:
            out += f"| {label} | {len(api):,} / {len(sql):,} | {_ringkas(api)} | {_ringkas(sql)} |\n"
    return out


def terburuk(ukuran: list[Ukuran], sisi: str) -> list[tuple[float, str]]:
    """p95 of every (category, level) pair, slowest first (``sisi``: "api" or "sql")."""
    per: dict[tuple[str, str], list[float]] = defaultdict(list)
    for u in ukuran:
        ms = u.api_ms if sisi == "api" else u.sql_ms
        if ms is not None:
            per[(u.kueri.nama, u.kueri.tingkat)].append(ms)
    return sorted(
        ((persentil(sorted(v), 95), f"{nama} @ {tingkat}") for (nama, tingkat), v in per.items()),
        reverse=True,
    )


def _di(tingkat: str, wilayah: str | None = None) -> Callable[[Ukuran], bool]:
    return lambda u: u.kueri.tingkat == tingkat and wilayah in (None, u.kueri.wilayah)


def _keluarga(k: str) -> Callable[[Ukuran], bool]:
    return lambda u: u.kueri.keluarga == k


def bagian(ukuran: list[Ukuran], tingkat: list[tuple[str, Callable[[Ukuran], bool]]]) -> str:
    keluarga_ = [(label, _keluarga(k)) for k, label in KELUARGA.items()]
    out = tabel(ukuran, "level", tingkat) + "\n" + tabel(ukuran, "family (all levels)", keluarga_) + "\n"
    for sisi, nama in (("api", "API"), ("sql", "SQL only")):
        p95 = terburuk(ukuran, sisi)
        lebih = sum(1 for ms, _ in p95 if ms > TARGET_MS)
        daftar = "; ".join(f"{label} {_ms(ms)} ms" for ms, label in p95[:5])
        out += (f"- {nama}: {lebih} of {len(p95)} (category, level) pairs have p95 > {TARGET_MS:.0f} ms; "
                f"slowest p95: {daftar}.\n")  # fmt: skip
    return out


@dataclass
class HasilKueri:
    muat: HasilMuat
    hari_ini: dt.date
    tanggal: list[dt.date]
    bulan: tuple[int, int]
    kelurahan: list[str]
    kota_bima: list[Ukuran]
    info_kota_bima: str  # residents, rows, parts
    ntb: list[Ukuran] | None = None
    info_ntb: str = ""


def format_kueri(h: HasilKueri, catatan: str, seed: int) -> str:
    tanggal = ", ".join(d.isoformat() for d in h.tanggal)
    teks = (
        f"\n## `satudata bench kueri` — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"Machine: {mesin()}. {catatan}\n\n"
        f"Data: the initial load of `satudata bench muat` into an empty hub (seed {h.muat.seed}; "
        + "; ".join(f"{m}: {v}" for m, v in baris_muat(h.muat)[:4])
        + ").\n\n"
        f"Queries: each of the {len(KATEGORI)} categories of `satudata.statistik.KATEGORI` live (no `per`: "
        f"{h.hari_ini}) and as of {tanggal}; the laporan bulanan of {h.bulan[0]}-{h.bulan[1]:02d} (basis "
        "peristiwa and lapor) at kota and kecamatan. *API*: `GET /v1/statistik/…` and `/v1/laporan-bulanan` over "
        "HTTP (httpx, loopback, JSON; the API, its chdb and the client share this process and event loop), as "
        "users see it. *SQL only*: `Gudang.query` with `sql_kategori`/`parameter` and `sql_laporan`, the API's "
        "own queries without HTTP, JSON and table building. One untimed warm-up query per category and level, "
        f"then every query once in a seeded random order (seed {seed}): all API requests, then all SQL. The "
        "worker stays running (idle); background merges of agregat_harian are waited for before timing.\n\n"
        f"### Kota Bima (as loaded: {h.info_kota_bima})\n\nKelurahan sample: {', '.join(h.kelurahan)}.\n\n"
    )
    teks += bagian(h.kota_bima, [("kota (Kota Bima)", _di("kota")), ("kecamatan (5)", _di("kecamatan")),
                                 (f"kelurahan (sample of {len(h.kelurahan)})", _di("kelurahan"))])  # fmt: skip
    if h.ntb is None:
        return teks
    copies = sum(n for _, n in NTB.values())
    teks += (
        f"\n### NTB scale ({h.info_ntb})\n\n"
        f"Method: Kota Bima's agregat_harian rows as read with FINAL (the table only: no record versions, no "
        f"ledger) copied {copies} times with `INSERT … SELECT` under synthetic codes of NTB's other kabupaten/"
        "kota, roughly in proportion to their population ("
        + ", ".join(f"{k} {nama} ×{n}" for k, (nama, n) in NTB.items())
        + "; Kota Bima 5272 kept as loaded): copy s of kota K has kecamatan K + (number + 5·s), kelurahan "
        "the same 4-digit suffix. Province: `satudata.statistik` and the API have no province level (levels "
        "kota, kecamatan, kelurahan in `Wilayah.kolom`; the wilayah reference holds one kota), so the provinsi "
        "rows run the API's SQL with the region filter `left(kode_kota, 2) = '52'`, SQL only. Likewise the "
        "API answers for Kota Bima only: the other kabupaten/kota are SQL only.\n\n"
    )
    teks += bagian(h.ntb, [
        ("provinsi NTB (SQL only)", _di("provinsi")),
        ("kabupaten/kota (10; API: Kota Bima only)", _di("kota")),
        (f"largest: {TERBESAR} {NTB[TERBESAR][0]} (×{NTB[TERBESAR][1]}, SQL only)", _di("kota", TERBESAR)),
        ("kecamatan of Kota Bima (5)", _di("kecamatan")),
        (f"kelurahan of Kota Bima (sample of {len(h.kelurahan)})", _di("kelurahan")),
    ])  # fmt: skip
    if h.muat.skala != 1.0:
        teks += (f"\nThe target (each statistic p95 ≤ {TARGET_MS:.0f} ms at NTB scale, ≈ 5.6 M residents) is "
                 f"judged at scale 1.0 only; this run copied scale {h.muat.skala}.\n")  # fmt: skip
    return teks


async def ukur_kueri(
    hub: HubBench, muat: HasilMuat, console: Console, *, seed: int, n_kelurahan: int, ntb: bool
) -> HasilKueri:
    settings, gudang = hub.settings, hub.gudang
    ref = referensi_kota_bima()
    hari_ini = tanggal_per(settings.tanggal_acuan, None, None)
    lalu = tanggal_lalu(TANGGAL_ACUAN_BAKU)  # buat_populasi's reference date
    tanggal: list[dt.date | None] = [None, *lalu]
    bulan = (TANGGAL_ACUAN_BAKU.year, TANGGAL_ACUAN_BAKU.month)
    semua_kel = ref.semua(Tingkat.KELURAHAN)
    kel = sorted(w.kode for w in random.Random(seed).sample(semua_kel, min(n_kelurahan, len(semua_kel))))
    kec = [w.kode for w in ref.semua(Tingkat.KECAMATAN)]
    bawah = [q for k in kec for q in kueri_wilayah("kecamatan", k, True, tanggal, bulan)]
    bawah += [q for k in kel for q in kueri_wilayah("kelurahan", k, True, tanggal, None)]
    kota = kueri_wilayah("kota", KOTA_BIMA, True, tanggal, bulan)
    async with httpx.AsyncClient(base_url=settings.api_url, timeout=300) as client:
        tabel_ = await keadaan_tabel(gudang, console)
        info = f"{await penduduk(gudang, 'kota', KOTA_BIMA, hari_ini):,} residents; {tabel_}"
        hasil = HasilKueri(muat, hari_ini, lalu, bulan, kel, [], info)
        hasil.kota_bima = await ukur(kota + bawah, gudang, client, hari_ini, console, "Kota Bima", seed)
        if not ntb:
            return hasil
        await replikasi_ntb(gudang, console)
        tabel_ = await keadaan_tabel(gudang, console)
        hasil.info_ntb = f"{await penduduk(gudang, 'provinsi', PROVINSI, hari_ini):,} residents; {tabel_}"
        daftar = kueri_wilayah("provinsi", PROVINSI, False, tanggal, bulan)
        daftar += [
            q for k in [*NTB, KOTA_BIMA] for q in kueri_wilayah("kota", k, k == KOTA_BIMA, tanggal, bulan)
        ]
        hasil.ntb = await ukur(daftar + bawah, gudang, client, hari_ini, console, "Skala NTB", seed)
    return hasil


def bench_kueri(
    settings: Settings, console: Console, *, skala: float, seed: int, workers: int, n_kelurahan: int, ntb: bool,
    tulis: bool, keluaran: Path | None,
) -> HasilKueri:  # fmt: skip
    hasil = setelah_muatan_awal(
        settings, console,
        lambda hub, muat: ukur_kueri(hub, muat, console, seed=seed, n_kelurahan=n_kelurahan, ntb=ntb),
        skala=skala, seed=seed, workers=workers,
    )  # fmt: skip
    teks = format_kueri(hasil, catatan_hub(settings, skala, workers), seed)
    umumkan(teks, console, tulis=tulis, keluaran=keluaran)
    return hasil
