"""The panels OpenKab and OpenDK share, in Grafana SQL over the hub's aggregates: headline cards, population
per kecamatan / kelurahan, the age pyramid, trends, letters per day and the laporan bulanan.

Stocks are counted on the dashboard's as-of date (:data:`~grafana.kueri.PER`, the end of the time range) and
filtered by the kecamatan → kelurahan variables; the figures equal ``/v1/statistik`` for the same wilayah and
date because they read the same rows (``agregat_harian``) with the same rules.
"""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard

from grafana.kategori import baris_kategori, panel_kategori, sql_grafik
from grafana.kueri import PER, literal, saring_wilayah
from grafana.panel import Panel, batang, deret_waktu, kartu, sql_wilayah, tabel
from satudata.laporan import BARIS_MUTASI, JUDUL
from satudata.statistik import KATEGORI
from satudata.wilayah import Tingkat

STOK = f"tanggal <= toDate32({PER})"
KEL_KEC = "substring(kode_kelurahan, 1, 6)"  # the kecamatan of a kelurahan code (undotted Kemendagri)


def _stok(db: str, kategori: str, pilih: str, *, kelompok: str = "") -> str:
    group = f" GROUP BY {kelompok}" if kelompok else ""
    return (
        f"SELECT {pilih} FROM {db}.agregat_harian FINAL WHERE kategori = {literal(kategori)} "
        f"AND {saring_wilayah()} AND {STOK}{group}"
    )


def kartu_ringkasan(db: str) -> list[Panel]:
    """Eight headline cards (3 columns each)."""
    n = "toInt64(sum(jumlah))"
    return [
        kartu("Penduduk", "Penduduk hidup terdaftar per tanggal akhir rentang waktu.",
              _stok(db, "jenis-kelamin", f'{n} AS "Penduduk"'), w=3),
        kartu("Keluarga (KK)", "Keluarga aktif (kartu keluarga) per tanggal akhir rentang waktu.",
              _stok(db, "keluarga", f'{n} AS "KK"'), w=3),
        kartu("Kecamatan", "Banyaknya kecamatan dalam pilihan.",
              f"SELECT count() AS \"Kecamatan\" FROM {sql_wilayah(Tingkat.KECAMATAN)} "
              "WHERE $__conditionalAll(kode IN (${kecamatan:singlequote}), $kecamatan)", w=3),
        kartu("Kelurahan", "Banyaknya kelurahan dalam pilihan.",
              f"SELECT count() AS \"Kelurahan\" FROM {sql_wilayah(Tingkat.KELURAHAN)} "
              "WHERE $__conditionalAll(induk IN (${kecamatan:singlequote}), $kecamatan) "
              "AND $__conditionalAll(kode IN (${kelurahan:singlequote}), $kelurahan)", w=3),
        kartu("Laki-laki", "Penduduk laki-laki.",
              _stok(db, "jenis-kelamin", 'toInt64(sumIf(jumlah, jenis_kelamin = 1)) AS "Laki-laki"'), w=3),
        kartu("Perempuan", "Penduduk perempuan.",
              _stok(db, "jenis-kelamin", 'toInt64(sumIf(jumlah, jenis_kelamin = 2)) AS "Perempuan"'), w=3),
        kartu("Kepesertaan bantuan", "Kepesertaan program bantuan aktif (satu orang dapat ikut beberapa program).",
              _stok(db, "bantuan-sasaran", f'{n} AS "Peserta"'), w=3),
        kartu("Pembaruan terakhir", "Waktu peristiwa terakhir dari SIMATIK yang diproses hub untuk wilayah ini.",
              f"SELECT max(ts_proses) AS \"Pembaruan\" FROM {db}.event_ledger "
              f"WHERE {saring_wilayah(KEL_KEC)}", unit="dateTimeFromNow", w=3),
    ]  # fmt: skip


def sql_per_wilayah(db: str, tingkat: Tingkat) -> str:
    """Population (L, P, Jumlah) and KK per kecamatan or kelurahan of the selection, with the names."""
    kolom = "kode_kecamatan" if tingkat is Tingkat.KECAMATAN else "kode_kelurahan"
    judul = "Kecamatan" if tingkat is Tingkat.KECAMATAN else "Kelurahan"
    return (
        f'SELECT w.nama AS "{judul}", a.l AS "Laki-laki", a.p AS "Perempuan", a.l + a.p + a.x AS "Jumlah", '
        f'a.kk AS "KK", w.kode AS "Kode", w.induk AS "Induk" FROM {sql_wilayah(tingkat)} AS w INNER JOIN ('
        f"SELECT {kolom} AS kode, toInt64(sumIf(jumlah, kategori = 'jenis-kelamin' AND jenis_kelamin = 1)) AS l, "
        "toInt64(sumIf(jumlah, kategori = 'jenis-kelamin' AND jenis_kelamin = 2)) AS p, "
        "toInt64(sumIf(jumlah, kategori = 'jenis-kelamin' AND jenis_kelamin NOT IN (1, 2))) AS x, "
        "toInt64(sumIf(jumlah, kategori = 'keluarga')) AS kk "
        f"FROM {db}.agregat_harian FINAL WHERE kategori IN ('jenis-kelamin', 'keluarga') "
        f"AND {saring_wilayah()} AND {STOK} GROUP BY kode) AS a ON a.kode = w.kode ORDER BY w.kode"
    )


def sql_piramida(db: str) -> str:
    """BPS five-year age groups, men as negative bars so the chart reads as a pyramid."""
    dasar = sql_grafik(KATEGORI["kelompok-umur"], db)
    return f'SELECT "Kelompok", -"Laki-laki" AS "Laki-laki", "Perempuan" FROM ({dasar})'


def sql_tren(db: str, kategori: str, nama: str) -> str:
    """Daily stock of a category over the time range (running sum of the daily net changes)."""
    return (
        f'SELECT toDateTime(t) AS time, stok AS "{nama}" FROM ('
        "SELECT tanggal AS t, sum(sum(jumlah)) OVER (ORDER BY tanggal ROWS UNBOUNDED PRECEDING) AS stok "
        f"FROM {db}.agregat_harian FINAL WHERE kategori = {literal(kategori)} AND {saring_wilayah()} "
        f"AND {STOK} GROUP BY tanggal) WHERE $__dateFilter(t) ORDER BY time"
    )


def sql_surat_harian(db: str) -> str:
    return (
        'SELECT toDateTime(tanggal) AS time, toInt64(sum(jumlah)) AS "Surat keluar" '
        f"FROM {db}.agregat_harian FINAL WHERE kategori = 'surat' AND {saring_wilayah()} "
        "AND $__dateFilter(tanggal) GROUP BY tanggal ORDER BY time"
    )


def _kontribusi_laporan() -> str:
    """Each (kategori, kode, jenis_kelamin, sebelum, selama) row as (baris, wn, jk, n) contributions."""
    baris = {k: i for i, k in enumerate(("awal", *BARIS_MUTASI, "akhir", "selisih"), start=1)}
    awal, akhir, selisih = baris["awal"], baris["akhir"], baris["selisih"]

    def mutasi(kode: str, pakai_keluarga: bool) -> tuple[str, str]:
        """(report row, sign) of a vital event code, as multiIf expressions."""
        kode_kode = {k: list(kk if pakai_keluarga else kp) for k, (kp, kk, _) in BARIS_MUTASI.items()}
        r = ", ".join(f"has({kode_kode[k]}, {kode}), {baris[k]}" for k in BARIS_MUTASI)
        s = ", ".join(f"has({kode_kode[k]}, {kode}), {t}" for k, (_, _, t) in BARIS_MUTASI.items())
        return f"multiIf({r}, 0)", f"multiIf({s}, 0)"

    rp, sp = mutasi("toUInt8OrZero(splitByChar('|', kode)[1])", False)
    rk, sk = mutasi("toUInt8OrZero(kode)", True)
    wn_p = "if(splitByChar('|', kode)[2] = '2', 'wna', 'wni')"
    stok = (
        "[({a}, {wn}, jenis_kelamin, sebelum), ({z}, {wn}, jenis_kelamin, sebelum + selama), "
        "({s}, {wn}, jenis_kelamin, selama)]"
    )
    aliran = "if({r} = 0, [], [(toUInt8({r}), {wn}, jenis_kelamin, selama), ({s}, {wn}, jenis_kelamin, -{t} * selama)])"
    wn_pend, kk = "if(kode = '2', 'wna', 'wni')", "'kk'"
    return (
        "multiIf("
        f"kategori = 'warga-negara', {stok.format(a=awal, z=akhir, s=selisih, wn=wn_pend)}, "
        f"kategori = 'keluarga', {stok.format(a=awal, z=akhir, s=selisih, wn=kk)}, "
        f"kategori = 'peristiwa', {aliran.format(r=rp, s=selisih, wn=wn_p, t=sp)}, "
        f"{aliran.format(r=rk, s=selisih, wn=kk, t=sk)})"
    )


def sql_laporan_bulanan(db: str) -> str:
    """The laporan bulanan (event-date basis) of the month of the as-of date: awal, the five vital events,
    akhir, and ``selisih`` (changes without a vital event), as ``/v1/laporan-bulanan``."""
    awal, akhir = f"toStartOfMonth({PER})", f"toLastDayOfMonth({PER})"
    dasar = (
        "SELECT kategori, kode, jenis_kelamin, "
        f"toInt64(sumIf(jumlah, tanggal < toDate32({awal}))) AS sebelum, "
        f"toInt64(sumIf(jumlah, tanggal >= toDate32({awal}))) AS selama FROM {db}.agregat_harian FINAL "
        "WHERE kategori IN ('warga-negara', 'keluarga', 'peristiwa', 'peristiwa-keluarga') "
        f"AND {saring_wilayah()} AND tanggal <= toDate32({akhir}) GROUP BY kategori, kode, jenis_kelamin"
    )
    urutan = ("awal", *BARIS_MUTASI, "akhir", "selisih")
    judul = ", ".join(f"({i}, {literal(JUDUL[k])})" for i, k in enumerate(urutan, start=1))
    c = "x.2 AS wn, x.3 AS jk, x.4 AS n"
    isi = (
        "SELECT x.1 AS baris, sumIf(n, wn = 'wni' AND jk = 1) AS wni_l, sumIf(n, wn = 'wni' AND jk = 2) AS wni_p, "
        "sumIf(n, wn = 'wna' AND jk = 1) AS wna_l, sumIf(n, wn = 'wna' AND jk = 2) AS wna_p, "
        "sumIf(n, wn != 'kk' AND jk = 1) AS l, sumIf(n, wn != 'kk' AND jk = 2) AS p, sumIf(n, wn != 'kk') AS j, "
        "sumIf(n, wn = 'kk' AND jk = 1) AS kk_l, sumIf(n, wn = 'kk' AND jk = 2) AS kk_p, sumIf(n, wn = 'kk') AS kk "
        f"FROM (SELECT x, {c} FROM ({dasar}) ARRAY JOIN {_kontribusi_laporan()} AS x) GROUP BY baris"
    )
    return (
        'SELECT r.no AS "No", r.judul AS "Rincian", i.wni_l AS "WNI L", i.wni_p AS "WNI P", i.wna_l AS "WNA L", '
        'i.wna_p AS "WNA P", i.l AS "L", i.p AS "P", i.j AS "Jumlah", i.kk_l AS "KK L", i.kk_p AS "KK P", '
        f"i.kk AS \"KK\" FROM VALUES('no UInt8, judul String', {judul}) AS r "
        f"LEFT JOIN ({isi}) AS i ON i.baris = r.no ORDER BY r.no SETTINGS join_use_nulls = 0"
    )


def panel_laporan(db: str) -> list[Panel]:
    return [
        tabel(
            "Laporan bulanan penduduk",
            "Bulan dari tanggal akhir rentang waktu, basis tanggal peristiwa (Permendagri 47/2016). "
            "Baris selisih = perubahan tanpa peristiwa (hapus, koreksi, muat awal). Basis tanggal lapor: "
            "API /v1/laporan-bulanan?basis=lapor.",
            sql_laporan_bulanan(db), w=24, h=10,
        ),
    ]  # fmt: skip


def panel_tren(db: str) -> list[Panel]:
    return [
        deret_waktu("Tren penduduk", "Jumlah penduduk per hari dalam rentang waktu.",
                    sql_tren(db, "jenis-kelamin", "Penduduk"), w=8),
        deret_waktu("Tren keluarga", "Jumlah keluarga (KK) aktif per hari dalam rentang waktu.",
                    sql_tren(db, "keluarga", "KK"), w=8),
        deret_waktu("Surat keluar per hari", "Surat yang diterbitkan kelurahan per hari dalam rentang waktu.",
                    sql_surat_harian(db), w=8),
    ]  # fmt: skip


def panel_piramida(db: str, *, w: int = 12) -> Panel:
    return batang(
        "Piramida penduduk", "Kelompok umur BPS 5 tahunan menurut jenis kelamin (laki-laki ke kiri), umur per "
        "tanggal akhir rentang waktu.", sql_piramida(db), sumbu_x="Kelompok", w=w, h=12, mendatar=True,
        tumpuk=True,
    )  # fmt: skip


def tambah_bagian_bersama(d: dashboard.Dashboard, db: str) -> dashboard.Dashboard:
    """The rows OpenKab and OpenDK end with: trends and letters, the laporan bulanan, bantuan, and one
    collapsed row per statistics category."""
    bagian = [("Tren dan surat", panel_tren(db)), ("Laporan bulanan", panel_laporan(db)),
              ("Bantuan sosial", panel_kategori(KATEGORI["bantuan"], db))]  # fmt: skip
    for judul, panels in bagian:
        d = d.with_row(dashboard.Row(judul))
        for p in panels:
            d = d.with_panel(p)
    for row in baris_kategori(db):
        d = d.with_row(row)
    return d
