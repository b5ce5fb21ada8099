"""ClickHouse sink: consumes the internal statistics topic and writes idempotently, committing after each insert.

At-least-once delivery plus absolute, versioned rows (ReplacingMergeTree) means a crash anywhere — worker or
sink — can neither double-count nor lose a contribution. In local mode the sink runs inside the API process,
because the embedded engine (chdb) belongs to one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer
from prometheus_client import CollectorRegistry, start_http_server

from satudata.metrik import MetrikSink, metrik_sink
from satudata.settings import Settings
from satudata.warehouse import versi as tabel_versi
from satudata.warehouse.client import Gudang
from streams.agregat import KunciHarian
from streams.pesan import PesanStatistik, versi

log = logging.getLogger(__name__)

AGREGAT_KOLOM = (
    "kategori",
    "kode_kota",
    "kode_kecamatan",
    "kode_kelurahan",
    "kode",
    "jenis_kelamin",
    "tanggal_lahir",
    "tanggal",
    "sumber_topik",
    "sumber_partisi",
    "jumlah",
    "versi",
    "diperbarui",
)
LEDGER_KOLOM = (
    "topik",
    "partisi",
    "offset_",
    "hasil",
    "alasan",
    "berubah",
    "kode_kelurahan",
    "ts_sumber",
    "ts_proses",
)
TANPA_LAHIR = dt.date(1900, 1, 1)
_Kunci = tuple[str, int, KunciHarian]


def _waktu(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)


def _lapor_berhenti(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("ClickHouse sink stopped", exc_info=task.exception())


class ClickHouseSink:
    """Reads the internal topic and writes ``agregat_harian``, the ``<jenis>_versi`` tables and ``event_ledger``.

    With ``metrik`` it counts rows per table, write time, failed writes and its lag (see satudata.metrik).
    """

    def __init__(
        self, settings: Settings, gudang: Gudang, topic: str, metrik: MetrikSink | None = None
    ) -> None:
        self.settings = settings
        self.gudang = gudang
        self.topic = topic
        self.metrik = metrik
        self.ditulis = 0
        self._lag_partisi: set[int] = set()
        self._task: asyncio.Task[None] | None = None
        self._consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        self._consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=self.settings.bootstrap_servers,
            group_id=f"{self.settings.faust_app_id}-sink",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=8 * 1024 * 1024,
        )
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(), name="clickhouse-sink")
        self._task.add_done_callback(_lapor_berhenti)

    @property
    def berjalan(self) -> bool:
        """False once the sink's task has ended (it only ends on an error or on stop)."""
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()

    async def _run(self) -> None:
        assert self._consumer is not None
        timeout_ms = int(self.settings.sink_flush_interval * 1000)
        while True:
            batch = await self._consumer.getmany(timeout_ms=timeout_ms, max_records=50_000)
            pesan = [PesanStatistik.dari_bytes(m.value) for ms in batch.values() for m in ms if m.value]
            if pesan:
                await self._tulis_sampai_berhasil(pesan)
                self.ditulis += len(pesan)
            if batch:
                await self._consumer.commit()
            if self.metrik is not None:
                await self._perbarui_lag(self.metrik)

    async def _perbarui_lag(self, metrik: MetrikSink) -> None:
        """Lag per assigned partition: the last high watermark the broker reported − the read position."""
        assert self._consumer is not None
        partisi: set[int] = set()
        for tp in self._consumer.assignment():
            tertinggi = self._consumer.highwater(tp)
            if tertinggi is None:
                continue
            posisi = await self._consumer.position(tp)
            metrik.lag.labels(str(tp.partition)).set(max(0, tertinggi - posisi))
            partisi.add(tp.partition)
        for p in self._lag_partisi - partisi:  # revoked: another sink reports them
            metrik.lag.remove(str(p))
        self._lag_partisi = partisi

    async def _tulis_sampai_berhasil(self, pesan: list[PesanStatistik]) -> None:
        """Retry a failed write (ClickHouse down, say) with backoff; offsets are committed only after it."""
        jeda = 0.5
        while True:
            mulai = time.perf_counter()
            try:
                await self.tulis(pesan)
                if self.metrik is not None:
                    self.metrik.flush_durasi.observe(time.perf_counter() - mulai)
                return
            except Exception:
                if self.metrik is not None:
                    self.metrik.gagal.inc()
                log.exception(
                    "writing %s messages to ClickHouse failed; retrying in %.1f s", len(pesan), jeda
                )
                await asyncio.sleep(jeda)
                jeda = min(jeda * 2, 30.0)

    async def _grup_lama(self, topik: str, partisi: int, generasi: int) -> set[KunciHarian]:
        """Nonzero (group, day) values of a partition written by a generation older than ``generasi``."""
        rows = await self.gudang.query(
            "SELECT kode_kelurahan, kategori, kode, jenis_kelamin, toInt32(tanggal_lahir), toInt32(tanggal) "
            "FROM {db}.agregat_harian FINAL WHERE sumber_topik = {t:String} AND sumber_partisi = {p:UInt16} "
            "AND jumlah != 0 AND versi < {v:UInt64}",
            {"t": topik, "p": partisi, "v": versi(generasi, 0)},
        )
        return {((r[0], r[1], r[2], int(r[3]), _ordinal(r[4])), _ordinal(r[5])) for r in rows}

    async def tulis(self, daftar: list[PesanStatistik]) -> None:
        """Write one batch (messages in partition order): coalesce to the newest value per (group, day), then
        insert aggregates, record versions and the ledger."""
        agregat: dict[_Kunci, tuple[int, int]] = {}

        def pasang(kunci: _Kunci, v: int, n: int) -> None:
            lama = agregat.get(kunci)
            if lama is None or v >= lama[0]:
                agregat[kunci] = (v, n)

        sekarang = dt.datetime.now(dt.UTC)
        ledger: list[list[object]] = []
        versi_baris: dict[str, list[list[Any]]] = defaultdict(list)
        for p in daftar:
            v = versi(p.generasi, p.offset)
            if p.jenis == "S":
                # The snapshot is complete: whatever an older generation left nonzero is zero now.
                lama = await self._grup_lama(p.topik, p.partisi, p.generasi)
                lama |= {k[2] for k in agregat if k[0] == p.topik and k[1] == p.partisi}
                baru = versi(p.generasi, 0)
                for g in lama:
                    kunci = (p.topik, p.partisi, g)
                    if kunci not in agregat or agregat[kunci][0] < baru:  # not written by this snapshot
                        agregat[kunci] = (v, 0)
            for g, n in p.grup.items():
                pasang((p.topik, p.partisi, g), v, n)
            versi_baris[p.rekaman].extend(
                tabel_versi.baris(p.rekaman, r, p.partisi, sekarang) for r in p.versi
            )
            ledger.extend(
                [
                    p.topik,
                    p.partisi,
                    c.offset,
                    c.hasil,
                    c.alasan,
                    int(c.berubah),
                    c.kode_kelurahan,
                    _waktu(c.ts_sumber_ms),
                    _waktu(c.ts_proses_ms),
                ]
                for c in p.ledger
            )
        rows = [
            [
                g[1],
                g[0][:4],
                g[0][:6],
                g[0],
                g[2],
                g[3],
                dt.date.fromordinal(g[4]) if g[4] else TANPA_LAHIR,
                dt.date.fromordinal(tanggal),
                t,
                part,
                n,
                v,
                sekarang,
            ]
            for (t, part, (g, tanggal)), (v, n) in agregat.items()
        ]
        for jenis, baris in versi_baris.items():
            await self._insert(tabel_versi.nama_tabel(jenis), baris, tabel_versi.kolom(jenis))
        await self._insert("agregat_harian", rows, AGREGAT_KOLOM)
        await self._insert("event_ledger", ledger, LEDGER_KOLOM)

    async def _insert(self, tabel: str, baris: Sequence[Sequence[Any]], kolom: Sequence[str]) -> None:
        await self.gudang.insert(tabel, baris, kolom)
        if self.metrik is not None and baris:
            self.metrik.baris.labels(tabel).inc(len(baris))


_EPOCH = dt.date(1970, 1, 1)


def _ordinal(hari_sejak_1970: int) -> int:
    """ClickHouse Date32 as days since 1970-01-01 → Python ordinal (0 for the "no birth date" marker)."""
    tanggal = _EPOCH + dt.timedelta(days=hari_sejak_1970)
    return 0 if tanggal == TANPA_LAHIR else tanggal.toordinal()


async def jalankan_sink(settings: Settings, berhenti: asyncio.Event | None = None) -> None:
    """Run the sink on its own until SIGINT/SIGTERM, or until ``berhenti`` is set (deployments with a
    ClickHouse server). Its metrics are served at ``http://<sink_metrics_host>:<sink_metrics_port>/metrics``."""
    from satudata.kafka.topics import ensure_topics, hub_topics

    topics = hub_topics(settings)
    await ensure_topics(settings.bootstrap_servers, topics.all())
    gudang = Gudang(settings)
    await asyncio.get_running_loop().run_in_executor(None, gudang.migrate)
    registry = CollectorRegistry()
    sink = ClickHouseSink(settings, gudang, topics.statistik_penduduk.name, metrik_sink(registry))
    if berhenti is None:
        berhenti = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, berhenti.set)
    server, _ = start_http_server(settings.sink_metrics_port, settings.sink_metrics_host, registry=registry)
    try:
        await sink.start()
        try:
            await berhenti.wait()
        finally:
            await sink.stop()
    finally:
        server.shutdown()
        server.server_close()
