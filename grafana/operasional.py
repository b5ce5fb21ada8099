"""Operasional hub: the pipeline's health for operators — events per second per topic, consumer and sink lag,
end-to-end freshness, dead letters, rejections at the API edge per kelurahan, the ingest API's requests and
latency, and the ClickHouse sink's writes.

Two sources side by side:

- ClickHouse (``event_ledger``, ``ingest_log``): what was recorded, exact and filterable by the kecamatan →
  kelurahan variables (``kode_kelurahan``; the kecamatan is its first six digits). Messages whose kelurahan is
  unknown (an undecodable message with a foreign key, a record rejected for its kelurahan code) only count
  when both variables are "All".
- Prometheus (:mod:`satudata.metrik`, jobs ``satudata-api``, ``satudata-worker``, ``satudata-sink``): what the
  processes see now — lag, latency, failed writes. Its metrics carry no kelurahan, so the variables do not
  apply to these panels.
"""

from __future__ import annotations

from grafana_foundation_sdk.builders import common as common_b
from grafana_foundation_sdk.builders import dashboard, prometheus, stat, timeseries
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models import prometheus as prometheus_m

from grafana.kueri import literal, saring_wilayah, sumber_prometheus
from grafana.panel import (
    HIJAU,
    KUNING,
    MERAH,
    Panel,
    ambang,
    batang,
    dasbor,
    deret_waktu,
    kartu,
    sql_wilayah,
    tabel,
    variabel_kecamatan,
    variabel_kelurahan,
)
from grafana.ringkasan import KEL_KEC
from satudata import metrik
from satudata.jenis import JENIS
from satudata.wilayah import Tingkat

UID = "operasional-hub"

LAG_KUNING, LAG_MERAH = 1_000, 10_000  # messages behind
SEGAR_KUNING, SEGAR_MERAH = 60, 300  # seconds from the API to ClickHouse
LAJU = "$__rate_interval"
_LAG = ((LAG_KUNING, KUNING), (LAG_MERAH, MERAH))
_SEGAR = ((SEGAR_KUNING, KUNING), (SEGAR_MERAH, MERAH))

# -- Prometheus targets ----------------------------------------------------------------------------------------


def promql(expr: str, legenda: str = "__auto", ref_id: str = "A") -> prometheus.Dataquery:
    """A PromQL range query on the hub's Prometheus (by uid)."""
    return (
        prometheus.Dataquery()
        .expr(expr)
        .legend_format(legenda)
        .ref_id(ref_id)
        .range()
        .editor_mode(prometheus_m.QueryEditorMode.CODE)
        .datasource(sumber_prometheus())
    )


def kuantil(q: float, metrik_histogram: str, oleh: str = "", jendela: str = LAJU) -> str:
    """``histogram_quantile`` of a histogram's buckets, aggregated ``by (le, oleh)``."""
    label = f"le, {oleh}" if oleh else "le"
    return f"histogram_quantile({q}, sum by ({label}) (rate({metrik_histogram}_bucket[{jendela}])))"


def _garis_ambang(p: timeseries.Panel, *langkah: tuple[float, str]) -> timeseries.Panel:
    """Threshold lines on a time series: green below the first step."""
    return p.thresholds(ambang((None, HIJAU), *langkah)).thresholds_style(
        common_b.GraphThresholdsStyleConfig().mode(common.GraphThresholdsStyleMode.LINE)
    )


def deret_prom(
    judul: str, deskripsi: str, *kueri: prometheus.Dataquery, unit: str = "short", w: int = 12, h: int = 8
) -> timeseries.Panel:
    """A time series of Prometheus targets."""
    p = timeseries.Panel().title(judul).description(deskripsi).datasource(sumber_prometheus())
    for k in kueri:
        p = p.with_target(k)
    return p.unit(unit).fill_opacity(10).span(w).height(h)


def kartu_prom(
    judul: str, deskripsi: str, expr: str, *, unit: str = "short", ambang_kuning: float = 0,
    ambang_merah: float = 1, w: int = 6, h: int = 4,
) -> stat.Panel:  # fmt: skip
    """A headline number from Prometheus (the last value), coloured green → yellow → red."""
    return (
        stat.Panel()
        .title(judul)
        .description(deskripsi)
        .datasource(sumber_prometheus())
        .with_target(promql(expr, "__auto"))
        .unit(unit)
        .reduce_options(common_b.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
        .color_mode(common.BigValueColorMode.BACKGROUND)
        .graph_mode(common.BigValueGraphMode.AREA)
        .text_mode(common.BigValueTextMode.VALUE)
        .thresholds(ambang((None, HIJAU), (ambang_kuning, KUNING), (ambang_merah, MERAH)))
        .span(w)
        .height(h)
    )


# -- ClickHouse SQL --------------------------------------------------------------------------------------------


def _ledger(db: str, waktu: bool = True) -> str:
    """The ledger's events of the selected kelurahan (processed in the time range)."""
    rentang = "$__timeFilter(ts_proses) AND " if waktu else ""
    return f"{db}.event_ledger FINAL WHERE {rentang}{saring_wilayah(KEL_KEC)}"


def _per_jenis(syarat: str = "") -> str:
    """One column per record type: its events (meeting ``syarat``) per second of the interval."""
    dan = f"{syarat} AND " if syarat else ""
    return ", ".join(
        f"countIf({dan}endsWith(topik, {literal('.' + j.topik)})) / $__interval_s AS {_kutip(j.nama)}"
        for j in JENIS.values()
    )


def _kutip(nama: str) -> str:
    return '"' + nama.replace('"', '""') + '"'


def _isi_waktu() -> str:
    """Zero-filled intervals over the whole time range, so a quiet interval reads 0, not a gap."""
    return (
        "ORDER BY time WITH FILL FROM toStartOfInterval($__fromTime, INTERVAL $__interval_s second) "
        "TO $__toTime STEP $__interval_s"
    )


def sql_laju(db: str, syarat: str = "") -> str:
    """Events (meeting ``syarat``) per second per record type, per interval."""
    return (
        f"SELECT $__timeInterval(ts_proses) AS time, {_per_jenis(syarat)} FROM {_ledger(db)} "
        f"GROUP BY time {_isi_waktu()}"
    )


def sql_kesegaran(db: str) -> str:
    """Quantiles of the end-to-end freshness (source Kafka timestamp → visible in ClickHouse), per interval."""
    return (
        'SELECT $__timeInterval(ts_proses) AS time, quantile(0.5)(d) AS "p50", quantile(0.9)(d) AS "p90", '
        'quantile(0.99)(d) AS "p99" FROM (SELECT ts_proses, '
        f"dateDiff('millisecond', ts_sumber, ts_tampil) / 1000 AS d FROM {_ledger(db)}) GROUP BY time ORDER BY time"
    )


def sql_per_kelurahan(db: str) -> str:
    """Records rejected at the API edge and events dead-lettered in the time range, per kelurahan of the
    selection (worst first; the unknown kelurahan, with "All", when it has any)."""
    wilayah = (
        f"(SELECT * FROM {sql_wilayah(Tingkat.KELURAHAN)} UNION ALL SELECT '', '(kode tidak dikenal)', '')"
    )
    ditolak = (
        f"SELECT kode_kelurahan AS kode, toInt64(sum(jumlah)) AS n FROM {db}.ingest_log FINAL "
        "WHERE alasan != '' AND $__timeFilter(waktu) GROUP BY kode"
    )
    dead = (
        f"SELECT kode_kelurahan AS kode, toInt64(count()) AS n FROM {db}.event_ledger FINAL "
        "WHERE hasil = 'dead_lettered' AND $__timeFilter(ts_proses) GROUP BY kode"
    )
    return (
        'SELECT w.nama AS "Kelurahan", ifNull(t.n, 0) AS "Ditolak di pintu masuk", ifNull(e.n, 0) AS "Dead letter" '
        f"FROM {wilayah} AS w LEFT JOIN ({ditolak}) AS t ON t.kode = w.kode "
        f"LEFT JOIN ({dead}) AS e ON e.kode = w.kode WHERE {saring_wilayah('w.induk', 'w.kode')} "
        "AND (w.kode != '' OR ifNull(t.n, 0) + ifNull(e.n, 0) > 0) "
        "ORDER BY ifNull(t.n, 0) + ifNull(e.n, 0) DESC, w.kode LIMIT 20"
    )


def sql_hasil_ingest(db: str) -> str:
    """Records received by the API in the time range, per record type and outcome."""
    return (
        "SELECT jenis AS \"Jenis\", if(alasan = '', 'diterima', alasan) AS \"Hasil\", "
        'toInt64(sum(jumlah)) AS "Rekaman", '
        "toInt64(uniqExactIf(kode_kelurahan, kode_kelurahan != '')) AS \"Kelurahan\", "
        f'max(waktu) AS "Terakhir" FROM {db}.ingest_log FINAL WHERE $__timeFilter(waktu) AND '
        f"{saring_wilayah(KEL_KEC)} GROUP BY jenis, alasan ORDER BY jenis, alasan != '', \"Rekaman\" DESC"
    )


def sql_hasil_proses(db: str) -> str:
    """Events processed in the time range, per topic, ledger outcome and reason."""
    return (
        "SELECT topik AS \"Topik\", if(hasil = 'applied', 'diterapkan', 'dead letter') AS \"Hasil\", "
        'alasan AS "Alasan", toInt64(count()) AS "Peristiwa", max(ts_proses) AS "Terakhir" '
        f'FROM {_ledger(db)} GROUP BY topik, hasil, alasan ORDER BY topik, hasil, "Peristiwa" DESC'
    )


def _ditolak(db: str) -> str:
    return (
        f'SELECT toInt64(sum(jumlah)) AS "Ditolak" FROM {db}.ingest_log FINAL '
        f"WHERE alasan != '' AND $__timeFilter(waktu) AND {saring_wilayah(KEL_KEC)}"
    )


# -- Panels ----------------------------------------------------------------------------------------------------


def kartu_rentang(db: str) -> list[Panel]:
    """Six ClickHouse cards for the time range and the selected kelurahan."""
    segar = (
        "SELECT if(count() = 0, NULL, quantile(0.99)(dateDiff('millisecond', ts_sumber, ts_tampil) / 1000)) "
        f'AS "p99" FROM {_ledger(db)}'
    )
    return [
        kartu("Peristiwa diproses", "Peristiwa sumber yang diproses worker dalam rentang waktu (diterapkan + "
              "dead letter), menurut catatan event_ledger.", f'SELECT count() AS "Peristiwa" FROM {_ledger(db)}'),
        kartu("Diterapkan", "Peristiwa yang diterapkan ke data hub dalam rentang waktu.",
              f"SELECT countIf(hasil = 'applied') AS \"Diterapkan\" FROM {_ledger(db)}"),
        kartu("Dead letter", "Peristiwa yang tidak dapat diproses dan dikirim ke topik dead-letter dalam rentang "
              "waktu. Merah bila ada.",
              f"SELECT countIf(hasil = 'dead_lettered') AS \"Dead letter\" FROM {_ledger(db)}")
        .thresholds(ambang((None, HIJAU), (1, MERAH))).color_mode(common.BigValueColorMode.BACKGROUND),
        kartu("Ditolak di pintu masuk", "Rekaman yang ditolak API ingest (tidak valid) dalam rentang waktu. "
              "Kuning bila ada.", _ditolak(db))
        .thresholds(ambang((None, HIJAU), (1, KUNING))).color_mode(common.BigValueColorMode.BACKGROUND),
        kartu("Kesegaran p99", "Persentil ke-99 waktu dari peristiwa diterima Kafka sampai tampil di ClickHouse, "
              f"dalam rentang waktu. Kuning di atas {SEGAR_KUNING} detik, merah di atas {SEGAR_MERAH} detik.",
              segar, unit="s")
        .thresholds(ambang((None, HIJAU), (SEGAR_KUNING, KUNING), (SEGAR_MERAH, MERAH)))
        .color_mode(common.BigValueColorMode.BACKGROUND),
        kartu("Peristiwa terakhir diproses", "Waktu peristiwa terakhir yang diproses worker untuk wilayah ini "
              "(tanpa batas rentang waktu).",
              f'SELECT if(count() = 0, NULL, max(ts_proses)) AS "Terakhir" FROM {_ledger(db, waktu=False)}',
              unit="dateTimeFromNow"),
    ]  # fmt: skip


def kartu_sekarang() -> list[Panel]:
    """Four Prometheus cards: the pipeline's state now."""
    return [
        kartu_prom("Lag konsumen", "Pesan topik sumber yang belum diproses worker (semua topik dan partisi). "
                   f"Kuning mulai {LAG_KUNING}, merah mulai {LAG_MERAH}.", f"sum({metrik.KONSUMEN_LAG})",
                   ambang_kuning=LAG_KUNING, ambang_merah=LAG_MERAH),
        kartu_prom("Lag sink", "Pesan topik statistik internal yang belum ditulis sink ke ClickHouse. "
                   f"Kuning mulai {LAG_KUNING}, merah mulai {LAG_MERAH}.", f"sum({metrik.SINK_LAG})",
                   ambang_kuning=LAG_KUNING, ambang_merah=LAG_MERAH),
        kartu_prom("Kesegaran p99 worker (5 menit)", "Persentil ke-99 waktu dari peristiwa diterima Kafka sampai "
                   "diproses worker, lima menit terakhir.", kuantil(0.99, metrik.KESEGARAN, jendela="5m"),
                   unit="s", ambang_kuning=SEGAR_KUNING, ambang_merah=SEGAR_MERAH),
        kartu_prom("Target metrik mati", "Proses hub (API, worker, sink) yang tidak dapat di-scrape Prometheus. "
                   "Merah bila ada.", 'count(up{job=~"satudata-.*"} == 0) or vector(0)'),
    ]  # fmt: skip


def panel_aliran(db: str) -> list[Panel]:
    dl = f"sum by (topik, alasan) (rate({metrik.DEAD_LETTER}[{LAJU}]))"
    return [
        deret_waktu("Peristiwa per detik per jenis — ClickHouse", "Peristiwa sumber yang diproses per detik, per "
                    "jenis rekaman, menurut event_ledger (wilayah terpilih).", sql_laju(db), unit="ops"),
        deret_prom("Peristiwa per detik per topik — Prometheus", "Laju peristiwa yang diproses worker per topik "
                   "sumber (diterapkan + dead letter); peristiwa yang diputar ulang setelah crash terhitung lagi.",
                   promql(f"sum by (topik) (rate({metrik.PERISTIWA_DIPROSES}[{LAJU}]))", "{{topik}}"), unit="ops"),
        deret_waktu("Dead letter per detik per jenis — ClickHouse", "Peristiwa yang dikirim ke topik dead-letter "
                    "per detik, per jenis rekaman (wilayah terpilih).", sql_laju(db, "hasil = 'dead_lettered'"),
                    unit="ops"),
        deret_prom("Dead letter per detik per alasan — Prometheus", "Laju peristiwa dead letter per topik dan "
                   "kode alasan.", promql(dl, "{{topik}} — {{alasan}}"), unit="ops"),
    ]  # fmt: skip


def panel_lag(db: str) -> list[Panel]:
    return [
        _garis_ambang(deret_prom("Lag konsumen per topik", "Selisih high watermark dan offset yang sudah di-commit "
                      "worker, dijumlahkan per topik sumber. Garis kuning dan merah: ambang.",
                      promql(f"sum by (topik) ({metrik.KONSUMEN_LAG})", "{{topik}}")), *_LAG),
        _garis_ambang(deret_prom("Lag sink ClickHouse", "Pesan topik statistik internal yang belum dibaca sink, "
                      "per partisi.", promql(f"sum by (partisi) ({metrik.SINK_LAG})", "partisi {{partisi}}")), *_LAG),
        _garis_ambang(deret_waktu("Kesegaran ujung ke ujung — ClickHouse", "Persentil waktu dari peristiwa "
                      "diterima Kafka sampai tampil di ClickHouse (ts_tampil − ts_sumber), per interval.",
                      sql_kesegaran(db), unit="s"), *_SEGAR),
        _garis_ambang(deret_prom("Kesegaran worker — Prometheus", "Persentil waktu dari peristiwa diterima Kafka "
                      "sampai diproses worker (histogram satudata_kesegaran_detik).",
                      promql(kuantil(0.5, metrik.KESEGARAN), "p50"),
                      promql(kuantil(0.99, metrik.KESEGARAN), "p99", "B"), unit="s"), *_SEGAR),
    ]  # fmt: skip


def panel_penolakan(db: str) -> list[Panel]:
    return [
        batang("Penolakan dan dead letter per kelurahan", "Rekaman yang ditolak API dan peristiwa dead letter "
               "dalam rentang waktu, per kelurahan terpilih (20 terbanyak).", sql_per_kelurahan(db),
               sumbu_x="Kelurahan", mendatar=True, tumpuk=True, h=12),
        tabel("Hasil ingest per jenis dan alasan", "Rekaman yang diterima API dalam rentang waktu: diterima atau "
              "kode alasan penolakan, per jenis rekaman.", sql_hasil_ingest(db), h=12),
        tabel("Hasil pemrosesan per topik dan alasan", "Peristiwa yang diproses worker dalam rentang waktu per "
              "topik, hasil (diterapkan atau dead letter) dan alasan.", sql_hasil_proses(db)),
        deret_prom("Penolakan API per detik per alasan", "Laju rekaman yang ditolak API per jenis rekaman dan "
                   "kode alasan.", promql(f"sum by (jenis, alasan) (rate({metrik.INGEST_DITOLAK}[{LAJU}]))",
                                          "{{jenis}} — {{alasan}}"), unit="ops", h=10),
    ]  # fmt: skip


def panel_api() -> list[Panel]:
    jumlah = f"{metrik.HTTP_DURASI}_count"
    return [
        deret_prom("Permintaan API per detik per rute", "Laju permintaan HTTP ke API per templat rute dan metode.",
                   promql(f"sum by (rute, metode) (rate({jumlah}[{LAJU}]))", "{{metode}} {{rute}}"),
                   unit="reqps"),
        deret_prom("Latensi API per rute", "Persentil ke-50 dan ke-99 durasi permintaan HTTP per templat rute.",
                   promql(kuantil(0.5, metrik.HTTP_DURASI, "rute"), "{{rute}} p50"),
                   promql(kuantil(0.99, metrik.HTTP_DURASI, "rute"), "{{rute}} p99", "B"), unit="s"),
        deret_prom("Respons galat API per rute", "Laju respons 4xx dan 5xx per templat rute dan kode status.",
                   promql(f'sum by (rute, status) (rate({jumlah}{{status=~"4..|5.."}}[{LAJU}]))',
                          "{{status}} {{rute}}"), unit="reqps"),
        deret_prom("Rekaman masuk per detik per jenis", "Laju rekaman dari batch ingest yang sudah diterbitkan, "
                   "per jenis rekaman dan hasil (diterima Kafka atau ditolak API).",
                   promql(f"sum by (jenis, hasil) (rate({metrik.INGEST_REKAMAN}[{LAJU}]))",
                          "{{jenis}} {{hasil}}"), unit="ops"),
    ]  # fmt: skip


def panel_worker_sink() -> list[Panel]:
    gagal = f"sum(rate({metrik.SINK_GAGAL}[{LAJU}]))"
    return [
        deret_prom("Durasi batch worker per topik", "Persentil ke-99 waktu memproses satu batch peristiwa sumber.",
                   promql(kuantil(0.99, metrik.BATCH_DURASI, "topik"), "{{topik}} p99"), unit="s", w=6),
        deret_prom("Baris ditulis sink per detik", "Laju baris yang ditulis sink ke ClickHouse per tabel.",
                   promql(f"sum by (tabel) (rate({metrik.SINK_BARIS}[{LAJU}]))", "{{tabel}}"),
                   unit="suffix: baris/s", w=6),
        _garis_ambang(deret_prom("Penulisan sink gagal", "Laju penulisan batch ke ClickHouse yang gagal (setiap "
                      "kegagalan dicoba ulang). Merah bila di atas nol.", promql(gagal, "gagal")), (1e-6, MERAH))
        .span(6),
        deret_prom("Durasi penulisan sink", "Persentil ke-50 dan ke-99 waktu satu penulisan batch yang berhasil.",
                   promql(kuantil(0.5, metrik.SINK_FLUSH_DURASI), "p50"),
                   promql(kuantil(0.99, metrik.SINK_FLUSH_DURASI), "p99", "B"), unit="s", w=6),
    ]  # fmt: skip


def buat(db: str) -> dashboard.Dashboard:
    d = (
        dasbor(
            UID, "Operasional hub",
            "Kesehatan pipeline Satu Data: SIMATIK → API → Kafka → worker → ClickHouse. Panel ClickHouse "
            "(event_ledger, ingest_log) mengikuti pilihan kecamatan dan kelurahan; panel Prometheus menunjukkan "
            "seluruh hub.",
            ["operasional"],
        )
        .time("now-6h", "now")
        .with_variable(variabel_kecamatan())
        .with_variable(variabel_kelurahan())
    )  # fmt: skip
    bagian: list[tuple[str, list[Panel]]] = [
        ("Ringkasan rentang waktu (ClickHouse, wilayah terpilih)", kartu_rentang(db)),
        ("Keadaan sekarang (Prometheus, seluruh hub)", kartu_sekarang()),
        ("Aliran peristiwa", panel_aliran(db)),
        ("Lag dan kesegaran", panel_lag(db)),
        ("Penolakan dan dead letter", panel_penolakan(db)),
        ("API ingest", panel_api()),
        ("Worker dan sink ClickHouse", panel_worker_sink()),
    ]
    for judul, isi in bagian:
        d = d.with_row(dashboard.Row(judul))
        for p in isi:
            d = d.with_panel(p)
    return d
