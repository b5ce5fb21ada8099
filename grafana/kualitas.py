"""Kualitas data (monitoring & evaluasi, KAK C.3.b): which kelurahan are sending, BELUM MENGISI per field,
records rejected at the API edge and dead-lettered in the stream (invalid codes among them), duplicate NIK and
impossible combinations — per kelurahan of the kecamatan → kelurahan selection, as of the end of the time range.

Every figure reads the query layer's own SQL (:mod:`satudata.kualitas`, via
:func:`~grafana.kueri.dari_lapisan_kueri`), so the board counts exactly like ``GET /v1/kualitas-data``: the
rows are the selection's kelurahan from the wilayah reference (a kelurahan that sent nothing shows zeros, a
code outside the reference shows nowhere), events and rejections are cumulative up to the end of the as-of date
(WITA) and a kelurahan is active with an event in the last :data:`~satudata.kualitas.HARI_AKTIF` days.
Only counts are shown: never a NIK, name or address (duplicate NIK are found through the keyed pseudonyms).
"""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models import dashboard as model

from grafana.kueri import KOLOM_KOTA, PER, ZONA, dari_lapisan_kueri, literal
from grafana.panel import (
    HIJAU,
    KUNING,
    MERAH,
    Panel,
    ambang,
    batang,
    batang_ukur,
    dasbor,
    deret_waktu,
    kartu,
    sql_wilayah,
    tabel,
    variabel_kecamatan,
    variabel_kelurahan,
)
from satudata.jenis import JENIS
from satudata.kualitas import (
    ATURAN,
    BIDANG,
    HARI_AKTIF,
    KODE_TIDAK_VALID,
    sql_aktif,
    sql_belum_mengisi,
    sql_ditolak,
    sql_kombinasi,
    sql_ledger,
    sql_nik_ganda,
)
from satudata.wilayah import Tingkat, referensi_kota_bima

UID = "kualitas-data"
API = "Angka sama dengan API /v1/kualitas-data untuk wilayah dan tanggal yang sama."

BATAS = f"toInt64(toUnixTimestamp(toDateTime(toDate32({PER}) + 1, '{ZONA}'))) * 1000"
"""The end of the as-of date in epoch ms: the query layer's ``{batas:Int64}``
(:func:`satudata.kualitas.batas_ms`)."""
SUMBER = (
    "arrayFilter(t -> arrayExists(s -> endsWith(t, s), ["
    + ", ".join(literal("." + j.topik) for j in JENIS.values())
    + "]), [topik])"
)
"""The query layer's ``{topik:Array(String)}`` (the source topics, whatever the deployment's prefix): the
event's own topic if it is the source topic of a record type."""
DEAD = "hasil_event = 'dead_lettered'"

DAFTAR = (
    f"SELECT kode, nama, induk FROM {sql_wilayah(Tingkat.KELURAHAN)} "
    "WHERE $__conditionalAll(induk IN (${kecamatan:singlequote}), $kecamatan) "
    "AND $__conditionalAll(kode IN (${kelurahan:singlequote}), $kelurahan)"
)
"""The selection's kelurahan (the API's rows), from the reference the hub validates against."""
DI_DAFTAR = f"kode_kelurahan IN (SELECT kode FROM ({DAFTAR}))"


# -- the query layer's figures, keyed by kode_kelurahan --


def _ledger(db: str) -> str:
    """(kode_kelurahan, hasil_event, alasan, jumlah_event, terakhir) up to the end of the as-of date."""
    return dari_lapisan_kueri(sql_ledger(), db, {"topik": SUMBER, "awalan": "''", "batas": BATAS})


def _ditolak(db: str) -> str:
    """(kode_kelurahan, alasan, ditolak) up to the end of the as-of date."""
    return dari_lapisan_kueri(sql_ditolak(), db, {"awalan": "''", "batas": BATAS})


def _belum(db: str) -> str:
    """(kode_kelurahan, kategori, belum_mengisi, penduduk_hidup) on the as-of date."""
    kategori = "[" + ", ".join(literal(k) for k in sorted({k for k, _ in BIDANG.values()})) + "]"
    return dari_lapisan_kueri(sql_belum_mengisi(KOLOM_KOTA), db, {"kategori": kategori})


def _nik(db: str) -> str:
    """(kode_kelurahan, nik_ganda, nik_ganda_dalam), compared over the whole kota like the API."""
    asli = sql_nik_ganda()
    kota = asli.replace("{wilayah:String}", "{kota:String}")  # the kota, not the selection
    if kota == asli:
        raise ValueError("sql_nik_ganda no longer compares over {wilayah:String}")
    return dari_lapisan_kueri(kota, db, {"kota": literal(referensi_kota_bima().kota.kode), "awalan": "''"})


def _kombinasi(db: str) -> str:
    """(kode_kelurahan, one count per rule named by its code) on the as-of date."""
    return dari_lapisan_kueri(sql_kombinasi(KOLOM_KOTA), db)


def _l(db: str) -> str:
    """Events per kelurahan: all, dead letters, dead letters for an invalid code, the last one."""
    return (
        "SELECT kode_kelurahan, toInt64(sum(jumlah_event)) AS event, "
        f"toInt64(sumIf(jumlah_event, {DEAD})) AS dead_letter, "
        f"toInt64(sumIf(jumlah_event, {DEAD} AND alasan = {literal(KODE_TIDAK_VALID)})) AS tidak_valid, "
        f"max(terakhir) AS akhir FROM ({_ledger(db)}) GROUP BY kode_kelurahan"
    )


def _t(db: str) -> str:
    """Rejections at the edge per kelurahan: all, for an invalid code."""
    return (
        "SELECT kode_kelurahan, toInt64(sum(ditolak)) AS tolak, "
        f"toInt64(sumIf(ditolak, alasan = {literal(KODE_TIDAK_VALID)})) AS tidak_valid "
        f"FROM ({_ditolak(db)}) GROUP BY kode_kelurahan"
    )


def _b(db: str) -> str:
    """BELUM MENGISI per kelurahan: per field (b_i, t_i in :data:`BIDANG` order) and over all fields."""
    kolom = []
    for i, (kategori, _judul) in enumerate(BIDANG.values()):
        kolom += [
            f"toInt64(sumIf(belum_mengisi, kategori = {literal(kategori)})) AS b_{i}",
            f"toInt64(sumIf(penduduk_hidup, kategori = {literal(kategori)})) AS t_{i}",
        ]
    return (
        f"SELECT kode_kelurahan, {', '.join(kolom)}, toInt64(sum(belum_mengisi)) AS belum, "
        f"toInt64(sum(penduduk_hidup)) AS isian FROM ({_belum(db)}) GROUP BY kode_kelurahan"
    )


def _gabung(pilih: str, bagian: dict[str, str], akhir: str = "") -> str:
    """``SELECT pilih`` over the selection's kelurahan ``w`` LEFT JOIN each per-kelurahan figure by alias
    (missing figures are 0)."""
    join = "".join(f" LEFT JOIN ({sql}) AS {a} ON {a}.kode_kelurahan = w.kode" for a, sql in bagian.items())
    return (
        f"SELECT {pilih} FROM ({DAFTAR}) AS w{join}{' ' + akhir if akhir else ''} SETTINGS join_use_nulls = 0"
    )


TERAKHIR = "if(l.event = 0, NULL, l.akhir)"
AKTIF = sql_aktif(TERAKHIR, PER)
MUSTAHIL = " + ".join(f"k.`{a.kode}`" for a in ATURAN)


def _persen(n: str, total: str) -> str:
    return f"if({total} = 0, 0, round(100 * {n} / {total}, 2))"


# -- panels --


def kartu_kualitas(db: str) -> list[Panel]:
    """Eight headline cards for the selection."""
    kelurahan_aktif = kartu(
        "Kelurahan aktif",
        f"Kelurahan yang mengirim data dalam {HARI_AKTIF} hari terakhir s.d. tanggal akhir rentang waktu, dari "
        "seluruh kelurahan dalam pilihan. " + API,
        _gabung(f'toInt64(countIf({AKTIF})) AS "Aktif", toInt64(count()) AS "Kelurahan"', {"l": _l(db)}), w=3,
    ).text_mode(common.BigValueTextMode.VALUE_AND_NAME)  # fmt: skip
    nik = kartu(
        "NIK ganda",
        "Penduduk hidup yang NIK-nya juga dipakai penduduk hidup kelurahan lain (antar kelurahan) atau penduduk "
        "lain di kelurahannya (dalam kelurahan); dibandingkan lewat pseudonim HMAC. " + API,
        _gabung('toInt64(sum(n.nik_ganda)) AS "Antar kelurahan", toInt64(sum(n.nik_ganda_dalam)) AS '
                '"Dalam kelurahan"', {"n": _nik(db)}), w=3,
    ).text_mode(common.BigValueTextMode.VALUE_AND_NAME)  # fmt: skip
    return [
        kelurahan_aktif,
        kartu("BELUM MENGISI", "Bagian isian penduduk hidup yang kosong atau di luar daftar, atas semua kolom "
              "yang diperiksa, per tanggal akhir rentang waktu.",
              _gabung(f'{_persen("sum(b.belum)", "sum(b.isian)")} AS "BELUM MENGISI"', {"b": _b(db)}),
              unit="percent", w=3),
        kartu("Ditolak di API", "Record yang ditolak API penerima (kumulatif s.d. akhir tanggal). " + API,
              _gabung('toInt64(sum(t.tolak)) AS "Ditolak"', {"t": _t(db)}), w=3),
        kartu("Dead letter", "Event yang masuk dead-letter di aliran (kumulatif s.d. akhir tanggal). " + API,
              _gabung('toInt64(sum(l.dead_letter)) AS "Dead letter"', {"l": _l(db)}), w=3),
        kartu("Kode tidak valid", f"Ditolak di API dan dead letter beralasan {KODE_TIDAK_VALID} (kode di luar "
              "daftar OpenSID). " + API,
              _gabung('toInt64(sum(t.tidak_valid) + sum(l.tidak_valid)) AS "Kode tidak valid"',
                      {"t": _t(db), "l": _l(db)}), w=3),
        nik,
        kartu("Kombinasi mustahil", "Penduduk hidup yang melanggar aturan kombinasi mustahil (jumlah semua "
              "aturan), umur per tanggal akhir rentang waktu. " + API,
              _gabung(f'toInt64(sum({MUSTAHIL})) AS "Kombinasi mustahil"', {"k": _kombinasi(db)}), w=3),
        kartu("Data terakhir", "Waktu sumber event terakhir yang diterima hub dari kelurahan dalam pilihan.",
              _gabung(f'max({TERAKHIR}) AS "Data terakhir"', {"l": _l(db)}), unit="dateTimeFromNow", w=3),
    ]  # fmt: skip


WARNA_SEL = model.DynamicConfigValue(id_val="custom.cellOptions", value={"type": "color-background"})


def sql_keaktifan(db: str) -> str:
    """Per kelurahan: status, last event (WITA date age in days, as the activity rule, and in hours)."""
    return _gabung(
        f'w.nama AS "Kelurahan", w.kode AS "Kode", if({AKTIF}, \'Aktif\', \'Tidak aktif\') AS "Status", '
        f'{TERAKHIR} AS "Data terakhir", '
        f"dateDiff('day', toDate({TERAKHIR}, '{ZONA}'), {PER}) AS \"Hari sejak data terakhir\", "
        f"if(l.event = 0, NULL, greatest(dateDiff('hour', l.akhir, $__toTime), 0)) AS \"Jam sejak data terakhir\", "
        'l.event AS "Event diterima"',
        {"l": _l(db)},
        'ORDER BY "Status" DESC, "Hari sejak data terakhir" DESC NULLS FIRST, "Kode"',
    )


def panel_keaktifan(db: str) -> Panel:
    return (
        tabel(
            "Keaktifan kelurahan",
            f"Event sumber terakhir tiap kelurahan (semua jenis rekaman, s.d. akhir tanggal). Aktif = ada event "
            f"dalam {HARI_AKTIF} hari terakhir (WITA): hijau 0–1 hari, kuning 2–{HARI_AKTIF - 1} hari, merah "
            f"{HARI_AKTIF} hari atau lebih / belum pernah mengirim. " + API,
            sql_keaktifan(db), w=24, h=12,
        )
        .thresholds(ambang((None, HIJAU), (2, KUNING), (HARI_AKTIF, MERAH)))
        .mappings([
            model.ValueMap(options={"Aktif": model.ValueMappingResult(color=HIJAU, index=0),
                                    "Tidak aktif": model.ValueMappingResult(color=MERAH, index=1)}),
            model.SpecialValueMap(options=model.DashboardSpecialValueMapOptions(
                match=model.SpecialValueMatch.NULL,
                result=model.ValueMappingResult(text="belum pernah", color=MERAH, index=2))),
        ])
        .override_by_name("Hari sejak data terakhir", [WARNA_SEL])
        .override_by_name("Status", [WARNA_SEL])
        .override_by_name("Data terakhir", [model.DynamicConfigValue(id_val="unit", value="dateTimeAsIso")])
    )  # fmt: skip


def _kolom(nama: str) -> str:
    assert '"' not in nama, nama
    return f'"{nama}"'


HIDUP = list(BIDANG).index("jenis-kelamin")  # every living resident has a sex row (maybe BELUM MENGISI)


def sql_belum_per_kolom(db: str) -> str:
    """Per checked field: BELUM MENGISI, living residents and the percentage, over the selection."""
    n = len(BIDANG)
    jumlah = _gabung(
        ", ".join(f"sum(b.b_{i}) AS b_{i}, sum(b.t_{i}) AS t_{i}" for i in range(n)), {"b": _b(db)}
    )
    per_kolom = ", ".join(
        f"({i}, {literal(judul)}, b_{i}, t_{i})" for i, (_, judul) in enumerate(BIDANG.values())
    )
    return (
        'SELECT x.2 AS "Kolom", toInt64(x.3) AS "BELUM MENGISI", toInt64(x.4) AS "Penduduk hidup", '
        f'{_persen("x.3", "x.4")} AS "Persen" FROM ({jumlah}) ARRAY JOIN [{per_kolom}] AS x ORDER BY x.1'
    )


def sql_belum_per_kelurahan(db: str) -> str:
    kolom = ", ".join(
        f"{_persen(f'b.b_{i}', f'b.t_{i}')} AS {_kolom(judul)}"
        for i, (_, judul) in enumerate(BIDANG.values())
    )
    return _gabung(
        f'w.nama AS "Kelurahan", w.kode AS "Kode", b.t_{HIDUP} AS "Penduduk hidup", {kolom}',
        {"b": _b(db)},
        'ORDER BY "Kode"',
    )


def sql_alasan(db: str) -> str:
    """Rejections and dead letters per reason over the selection; the invalid-code row is always shown."""
    sumber = (
        f"SELECT toString(alasan) AS sebab, toInt64(ditolak) AS tolak, toInt64(0) AS dl FROM ({_ditolak(db)}) "
        f"WHERE {DI_DAFTAR} UNION ALL SELECT toString(alasan), toInt64(0), toInt64(jumlah_event) "
        f"FROM ({_ledger(db)}) WHERE {DEAD} AND {DI_DAFTAR} "
        f"UNION ALL SELECT {literal(KODE_TIDAK_VALID)}, toInt64(0), toInt64(0)"
    )
    return (
        'SELECT sebab AS "Alasan", sum(tolak) AS "Ditolak di API", sum(dl) AS "Dead letter", '
        f'sum(tolak) + sum(dl) AS "Jumlah" FROM ({sumber}) GROUP BY sebab ORDER BY "Jumlah" DESC, sebab'
    )


def sql_tolak_per_kelurahan(db: str) -> str:
    return _gabung(
        'w.nama AS "Kelurahan", w.kode AS "Kode", t.tolak AS "Ditolak di API", l.dead_letter AS "Dead letter", '
        't.tidak_valid AS "Kode tidak valid (API)", l.tidak_valid AS "Kode tidak valid (aliran)"',
        {"t": _t(db), "l": _l(db)},
        'ORDER BY "Ditolak di API" + "Dead letter" DESC, "Kode"',
    )


def sql_tolak_per_waktu(db: str) -> str:
    """Rejections (ingest time) and dead letters (source event time) per interval of the time range."""
    sumber = (
        "SELECT ts_sumber AS waktu, toInt64(0) AS tolak, toInt64(1) AS dl FROM "
        f"{db}.event_ledger FINAL WHERE hasil = 'dead_lettered' AND has({SUMBER}, topik) "
        f"AND $__timeFilter(ts_sumber) AND {DI_DAFTAR} UNION ALL SELECT waktu, toInt64(jumlah), toInt64(0) "
        f"FROM {db}.ingest_log FINAL WHERE alasan != '' AND $__timeFilter(waktu) AND {DI_DAFTAR}"
    )
    return (
        'SELECT $__timeInterval(waktu) AS time, sum(tolak) AS "Ditolak di API", sum(dl) AS "Dead letter" '
        f"FROM ({sumber}) GROUP BY time ORDER BY time WITH FILL "
        "FROM toStartOfInterval($__fromTime, INTERVAL $__interval_s second) TO $__toTime STEP $__interval_s"
    )


def sql_nik_per_kelurahan(db: str) -> str:
    return _gabung(
        'w.nama AS "Kelurahan", w.kode AS "Kode", n.nik_ganda AS "NIK juga di kelurahan lain", '
        'n.nik_ganda_dalam AS "NIK ganda dalam kelurahan"',
        {"n": _nik(db)},
        'ORDER BY "NIK juga di kelurahan lain" + "NIK ganda dalam kelurahan" DESC, "Kode"',
    )


def sql_kombinasi_per_aturan(db: str) -> str:
    """Living residents per impossible-combination rule over the selection (every rule, zeros included)."""
    jumlah = _gabung(
        ", ".join(f"sum(k.`{a.kode}`) AS n_{i}" for i, a in enumerate(ATURAN)), {"k": _kombinasi(db)}
    )
    per_aturan = ", ".join(f"({literal(a.uraian)}, n_{i})" for i, a in enumerate(ATURAN))
    return (
        f'SELECT x.1 AS "Aturan", toInt64(x.2) AS "Penduduk" FROM ({jumlah}) ARRAY JOIN [{per_aturan}] AS x'
    )


def sql_kombinasi_per_kelurahan(db: str) -> str:
    kolom = ", ".join(f"k.`{a.kode}` AS {_kolom(a.kode)}" for a in ATURAN)
    return _gabung(
        f'w.nama AS "Kelurahan", w.kode AS "Kode", {MUSTAHIL} AS "Jumlah", {kolom}',
        {"k": _kombinasi(db)},
        'ORDER BY "Jumlah" DESC, "Kode"',
    )


def buat(db: str) -> dashboard.Dashboard:
    d = (
        dasbor(UID, "Kualitas Data — Monitoring & Evaluasi",
               "Kualitas data SIMATIK per kelurahan Kota Bima: keaktifan pengiriman, BELUM MENGISI, penolakan "
               "di API dan dead letter, kode tidak valid, NIK ganda dan kombinasi mustahil. Angka per tanggal "
               "akhir rentang waktu; sama dengan API /v1/kualitas-data.", ["kualitas"])
        .with_variable(variabel_kecamatan())
        .with_variable(variabel_kelurahan())
        .with_row(dashboard.Row("Ringkasan"))
    )  # fmt: skip
    for p in kartu_kualitas(db):
        d = d.with_panel(p)
    d = d.with_row(dashboard.Row("Keaktifan kelurahan")).with_panel(panel_keaktifan(db))
    ket_belum = (
        "Penduduk hidup per tanggal akhir rentang waktu yang isiannya kosong atau di luar daftar. " + API
    )
    d = (
        d.with_row(dashboard.Row("BELUM MENGISI"))
        .with_panel(tabel("BELUM MENGISI per kolom", ket_belum, sql_belum_per_kolom(db), w=12, h=12))
        .with_panel(batang_ukur("BELUM MENGISI per kolom (%)", ket_belum,
                                f'SELECT "Kolom", "Persen" FROM ({sql_belum_per_kolom(db)})', unit="percent",
                                w=12, h=12).max(100))
        .with_panel(tabel("BELUM MENGISI per kelurahan (%)", ket_belum + " Persen per kolom.",
                          sql_belum_per_kelurahan(db), w=24, h=12).unit("percent")
                    .override_by_name("Penduduk hidup", [model.DynamicConfigValue(id_val="unit", value="short")]))
    )  # fmt: skip
    ket_tolak = (
        f"Ditolak di API (ingest_log) dan dead letter aliran (event_ledger), kumulatif s.d. akhir tanggal. Alasan "
        f"{KODE_TIDAK_VALID} = kode di luar daftar OpenSID (kode tidak valid). " + API
    )
    d = (
        d.with_row(dashboard.Row("Penolakan, dead letter dan kode tidak valid"))
        .with_panel(tabel("Penolakan dan dead letter per alasan", ket_tolak, sql_alasan(db), w=12, h=10))
        .with_panel(tabel("Penolakan dan dead letter per kelurahan", ket_tolak, sql_tolak_per_kelurahan(db)))
        .with_panel(deret_waktu("Penolakan dan dead letter per interval",
                                "Record ditolak di API (menurut waktu terima) dan dead letter (menurut waktu event "
                                "sumber) per interval dalam rentang waktu.", sql_tolak_per_waktu(db), w=24))
    )  # fmt: skip
    ket_mustahil = (
        "Penduduk hidup per aturan kombinasi mustahil (umur per tanggal akhir rentang waktu; tanpa tanggal "
        "lahir tidak ada aturan umur). " + API
    )
    lambat = (  # the residents' states on the as-of date (slow exact path): run only when opened
        dashboard.Row("NIK ganda dan kombinasi mustahil").collapsed(True)
        .with_panel(tabel("NIK ganda per kelurahan",
                          "Penduduk hidup yang NIK-nya juga dipakai penduduk hidup kelurahan lain di Kota Bima, "
                          "atau penduduk lain di kelurahannya (pseudonim HMAC; NIK tidak pernah ditampilkan). "
                          + API, sql_nik_per_kelurahan(db)))
        .with_panel(batang("Kombinasi mustahil per aturan", ket_mustahil, sql_kombinasi_per_aturan(db),
                           sumbu_x="Aturan", w=12, h=10, mendatar=True))
        .with_panel(tabel("Kombinasi mustahil per kelurahan", ket_mustahil + " Kolom = kode aturan.",
                          sql_kombinasi_per_kelurahan(db), w=24))
    )  # fmt: skip
    return d.with_row(lambat)
