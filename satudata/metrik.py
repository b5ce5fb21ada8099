"""Prometheus metrics of the hub: stable names (used in PromQL by the Grafana Operasional board) and factories.

Every factory creates its metrics on the :class:`~prometheus_client.CollectorRegistry` it is given, never on
the global default registry, so one process can build several apps (tests) without name clashes.

Names and labels (label values are always bounded: record types, topics, partitions, reason codes, tables,
route templates):

API (``GET /metrics`` on the API)
    ``satudata_ingest_rekaman_total{jenis, hasil}`` counter — records of ``POST /v1/{jenis}/events`` batches
    that Kafka accepted (``hasil="diterima"``) or that the API rejected (``hasil="ditolak"``); counted once
    the batch has been published, like ``ingest_log``.
    ``satudata_ingest_ditolak_total{jenis, alasan}`` counter — rejected records by the code of their first
    reason (``kode_alasan[0]``), so the per-``alasan`` sum equals the ``ditolak`` count.
    ``satudata_ingest_batch_ukuran{jenis}`` histogram — records (accepted and rejected) per published batch.
    ``satudata_http_request_duration_seconds{rute, metode, status}`` histogram — every HTTP request, by route
    template (``/v1/penduduk/events``; ``tidak-dikenal`` when no route matched), method and status code.

Worker (``/metrics`` on the Faust web server, ``faust_web_host:faust_web_port``)
    ``satudata_peristiwa_diproses_total{topik, hasil}`` counter — source events handled, ``hasil`` is the
    ledger outcome ``applied`` or ``dead_lettered`` (events replayed after a crash count again).
    ``satudata_dead_letter_total{topik, alasan}`` counter — dead-lettered events by reason code.
    ``satudata_konsumen_lag{topik, partisi}`` gauge — high watermark − committed offset of each source
    partition this worker owns, refreshed every :data:`LAG_INTERVAL` seconds.
    ``satudata_kesegaran_detik{topik}`` histogram — freshness: processing time − Kafka timestamp of the
    source event (the ledger's ``ts_proses − ts_sumber``).
    ``satudata_batch_durasi_detik{topik}`` histogram — time to process one batch of source events.

Sink (in the API process in local mode, else ``/metrics`` on ``sink_metrics_host:sink_metrics_port``)
    ``satudata_sink_baris_total{tabel}`` counter — rows written to ClickHouse per table.
    ``satudata_sink_flush_durasi_detik`` histogram — time of one successful batch write.
    ``satudata_sink_gagal_total`` counter — failed batch writes (each is retried).
    ``satudata_sink_lag{partisi}`` gauge — messages of the internal topic not yet read by the sink.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder

INGEST_REKAMAN = "satudata_ingest_rekaman_total"
INGEST_DITOLAK = "satudata_ingest_ditolak_total"
INGEST_BATCH_UKURAN = "satudata_ingest_batch_ukuran"
HTTP_DURASI = "satudata_http_request_duration_seconds"

PERISTIWA_DIPROSES = "satudata_peristiwa_diproses_total"
DEAD_LETTER = "satudata_dead_letter_total"
KONSUMEN_LAG = "satudata_konsumen_lag"
KESEGARAN = "satudata_kesegaran_detik"
BATCH_DURASI = "satudata_batch_durasi_detik"

SINK_BARIS = "satudata_sink_baris_total"
SINK_FLUSH_DURASI = "satudata_sink_flush_durasi_detik"
SINK_GAGAL = "satudata_sink_gagal_total"
SINK_LAG = "satudata_sink_lag"

NAMA_API = (INGEST_REKAMAN, INGEST_DITOLAK, INGEST_BATCH_UKURAN, HTTP_DURASI)
NAMA_WORKER = (PERISTIWA_DIPROSES, DEAD_LETTER, KONSUMEN_LAG, KESEGARAN, BATCH_DURASI)
NAMA_SINK = (SINK_BARIS, SINK_FLUSH_DURASI, SINK_GAGAL, SINK_LAG)
SEMUA_NAMA: tuple[str, ...] = (*NAMA_API, *NAMA_WORKER, *NAMA_SINK)
"""Every metric name as PromQL sees it (counters with ``_total``; histograms without their
``_bucket``/``_sum``/``_count`` suffixes)."""

LAG_INTERVAL = 5.0
"""Seconds between two refreshes of ``satudata_konsumen_lag`` in the worker."""

DITERIMA, DITOLAK = "diterima", "ditolak"
RUTE_TIDAK_DIKENAL = "tidak-dikenal"

_DURASI = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_KESEGARAN = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
_UKURAN = (1, 10, 50, 100, 500, 1000, 2000, 5000)


@dataclass(frozen=True, slots=True)
class MetrikApi:
    rekaman: Counter
    ditolak: Counter
    batch_ukuran: Histogram
    http_durasi: Histogram


@dataclass(frozen=True, slots=True)
class MetrikWorker:
    diproses: Counter
    dead_letter: Counter
    lag: Gauge
    kesegaran: Histogram
    batch_durasi: Histogram


@dataclass(frozen=True, slots=True)
class MetrikSink:
    baris: Counter
    flush_durasi: Histogram
    gagal: Counter
    lag: Gauge


def metrik_api(registry: CollectorRegistry, jenis: list[str]) -> MetrikApi:
    """The API's metrics; the ``hasil`` series of every record type in ``jenis`` start at 0."""
    m = MetrikApi(
        rekaman=Counter(
            INGEST_REKAMAN,
            "Ingested records by record type and outcome (accepted by Kafka or rejected by the API).",
            ["jenis", "hasil"],
            registry=registry,
        ),
        ditolak=Counter(
            INGEST_DITOLAK,
            "Records rejected by the API, by record type and the code of their first reason.",
            ["jenis", "alasan"],
            registry=registry,
        ),
        batch_ukuran=Histogram(
            INGEST_BATCH_UKURAN,
            "Records per ingest batch (accepted and rejected), once the batch has been published.",
            ["jenis"],
            buckets=_UKURAN,
            registry=registry,
        ),
        http_durasi=Histogram(
            HTTP_DURASI,
            "HTTP request duration in seconds by route template, method and status code.",
            ["rute", "metode", "status"],
            buckets=_DURASI,
            registry=registry,
        ),
    )
    for nama in jenis:
        for hasil in (DITERIMA, DITOLAK):
            m.rekaman.labels(nama, hasil)
    return m


def metrik_worker(registry: CollectorRegistry) -> MetrikWorker:
    """The Faust worker's metrics."""
    return MetrikWorker(
        diproses=Counter(
            PERISTIWA_DIPROSES,
            "Source events processed by the worker, by source topic and ledger outcome.",
            ["topik", "hasil"],
            registry=registry,
        ),
        dead_letter=Counter(
            DEAD_LETTER,
            "Source events sent to the dead-letter topic, by source topic and reason code.",
            ["topik", "alasan"],
            registry=registry,
        ),
        lag=Gauge(
            KONSUMEN_LAG,
            "Consumer lag of the worker: high watermark minus committed offset per source partition it owns.",
            ["topik", "partisi"],
            registry=registry,
        ),
        kesegaran=Histogram(
            KESEGARAN,
            "Freshness in seconds: processing time minus the Kafka timestamp of the source event.",
            ["topik"],
            buckets=_KESEGARAN,
            registry=registry,
        ),
        batch_durasi=Histogram(
            BATCH_DURASI,
            "Time in seconds to process one batch of source events.",
            ["topik"],
            buckets=_DURASI,
            registry=registry,
        ),
    )


def metrik_sink(registry: CollectorRegistry) -> MetrikSink:
    """The ClickHouse sink's metrics."""
    return MetrikSink(
        baris=Counter(
            SINK_BARIS, "Rows written to ClickHouse by the sink, per table.", ["tabel"], registry=registry
        ),
        flush_durasi=Histogram(
            SINK_FLUSH_DURASI,
            "Time in seconds of one successful batch write of the sink to ClickHouse.",
            buckets=(*_DURASI, 60.0),
            registry=registry,
        ),
        gagal=Counter(SINK_GAGAL, "Failed batch writes of the sink (each is retried).", registry=registry),
        lag=Gauge(
            SINK_LAG,
            "Messages of the internal statistics topic not yet read by the sink, per partition.",
            ["partisi"],
            registry=registry,
        ),
    )


def ekspos(registry: CollectorRegistry, accept: str | None) -> tuple[bytes, str]:
    """The scrape body and its content type, negotiated from the ``Accept`` header like
    :func:`prometheus_client.start_http_server` does (text format 0.0.4 when nothing is asked for)."""
    encoder, content_type = choose_encoder(accept or "")
    return encoder(registry), content_type
