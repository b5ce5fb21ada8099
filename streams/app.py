"""The Faust application: ``create_app(settings)`` builds it with one agent, table and timer per record type.

Run a worker with ``satudata worker`` (several workers share the source partitions). Each agent runs with
concurrency 1 because it writes state; Faust ``exactly_once`` is not used — the sink is idempotent instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import faust
from prometheus_client import CollectorRegistry

from satudata.citra import Pseudonim
from satudata.jenis import JENIS, JenisRekaman
from satudata.kafka.topics import HubTopics, hub_topics
from satudata.metrik import LAG_INTERVAL, MetrikWorker, ekspos, metrik_worker
from satudata.serde import AvroSerde
from satudata.settings import Settings
from satudata.wilayah import referensi_kota_bima
from streams.agregat import NilaiTabel, pisah_kunci
from streams.celah import PenjagaUrutan, PesanSumber
from streams.pesan import APPLIED, DEAD_LETTERED, PesanStatistik
from streams.prosesor import Keputusan, ProsesorRekaman, baris_versi

log = logging.getLogger(__name__)

KUNCI_GENERASI = b"#generasi:"  # table key of a partition's aggregate generation (never a "kel:id" key)
POTONGAN = 5_000  # groups or version rows per snapshot message (the broker's message size limit)


def nama_tabel(jenis: JenisRekaman) -> str:
    return f"{jenis.nama}-status"


def potong_snapshot(
    prosesor: ProsesorRekaman, partisi: int, rekaman: list[tuple[bytes, NilaiTabel]], generasi: int
) -> Iterator[PesanStatistik]:
    """The snapshot of one partition as chunks of at most :data:`POTONGAN` groups / version rows, then "S"."""
    agr = prosesor.bangun(partisi, rekaman, generasi)
    nama, topik, o = prosesor.jenis.nama, prosesor.topik, agr.offset_terakhir
    grup = list(agr.jumlah.items())
    versi = [baris_versi(*pisah_kunci(key), entri) for key, nilai in rekaman for entri in nilai[3]]
    for i in range(0, max(len(grup), len(versi)), POTONGAN):
        yield PesanStatistik(
            "s", nama, topik, partisi, o, generasi, dict(grup[i : i + POTONGAN]), versi[i : i + POTONGAN]
        )
    yield PesanStatistik("S", nama, topik, partisi, o, generasi)


def create_app(settings: Settings) -> faust.App:
    """The worker's app. Its web server (``faust_web_host:faust_web_port``) serves only ``/metrics`` and
    Faust's index page: the table and router views, which would show table contents, are off."""
    topics = hub_topics(settings)
    (settings.data_dir / "faust").mkdir(parents=True, exist_ok=True)
    app = faust.App(
        settings.faust_app_id,
        broker=f"kafka://{settings.bootstrap_servers}",
        store="memory://",
        autodiscover=False,
        topic_partitions=settings.topic_partitions,
        topic_disable_leader=True,
        table_standby_replicas=0,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        broker_commit_interval=1.0,
        broker_session_timeout=10.0,  # a crashed worker's partitions move on within ~10 s
        web_enabled=True,
        web_bind=settings.faust_web_host,
        web_port=settings.faust_web_port,
        web_tables_enabled=False,
        web_router_enabled=False,
        web_stats_enabled=False,
        web_graph_enabled=False,
        datadir=str(settings.data_dir / "faust" / settings.faust_app_id),
    )
    serde = AvroSerde(settings.registry_url)
    pseudonim = Pseudonim(settings.pseudonym_key.get_secret_value().encode())
    ref = referensi_kota_bima()
    app.prosesor = {}  # type: ignore[attr-defined]  # jenis → ProsesorRekaman, for the live view and tests
    app.penjaga = {}  # type: ignore[attr-defined]  # jenis → PenjagaUrutan
    registry = CollectorRegistry()
    metrik = metrik_worker(registry)
    app.metrik_registry = registry  # type: ignore[attr-defined]  # the worker's metrics, served at /metrics
    for jenis in JENIS.values():
        _pasang_agen(app, settings, topics, jenis, serde, pseudonim, ref, metrik)
    _pasang_metrik(app, registry, metrik, {t.name for t in topics.sumber.values()})
    return app


def _pasang_metrik(
    app: faust.App, registry: CollectorRegistry, metrik: MetrikWorker, sumber: set[str]
) -> None:
    """``/metrics`` on the worker's web server and the timer that refreshes the consumer lag gauge."""

    @app.page("/metrics")
    async def metrics(view: Any, request: Any) -> Any:
        body, content_type = ekspos(registry, request.headers.get("Accept"))
        return view.bytes(body, headers={"Content-Type": content_type})

    dilaporkan: set[tuple[str, int]] = set()

    async def perbarui_lag() -> None:
        """Lag = high watermark − committed offset of every source partition this worker owns."""
        nonlocal dilaporkan
        consumer = app.consumer
        try:
            tps = [tp for tp in consumer.assignment() if tp.topic in sumber]
            akhir = await consumer.highwaters(*tps) if tps else {}
        except Exception as exc:  # not started yet, or rebalancing: try again at the next tick
            log.debug("consumer lag not available: %r", exc)
            return
        # Faust's record of committed offsets (next offset to read): read from the broker on assignment and
        # updated on every commit. The consumer has no public accessor for it (not on the ConsumerT protocol).
        committed: dict[Any, int | None] = consumer._committed_offset  # type: ignore[attr-defined]
        baru: set[tuple[str, int]] = set()
        for tp in tps:
            if tp not in akhir:
                continue
            selesai = committed.get(tp) or 0
            metrik.lag.labels(tp.topic, str(tp.partition)).set(max(0, int(akhir[tp]) - selesai))
            baru.add((tp.topic, tp.partition))
        for topik, p in dilaporkan - baru:  # revoked: the new owner reports them
            metrik.lag.remove(topik, str(p))
        dilaporkan = baru

    app.timer(LAG_INTERVAL, name="metrik-lag")(perbarui_lag)


def _pasang_agen(
    app: faust.App,
    settings: Settings,
    topics: HubTopics,
    jenis: JenisRekaman,
    serde: AvroSerde,
    pseudonim: Pseudonim,
    ref: Any,
    metrik: MetrikWorker,
) -> None:
    """The agent, table, guard and timer of one record type."""
    topik_sumber, partitions = topics.sumber[jenis.nama].name, topics.sumber[jenis.nama].partitions
    sumber = app.topic(topik_sumber, key_serializer="raw", value_serializer="raw", partitions=partitions)
    tabel = app.Table(
        nama_tabel(jenis),
        default=None,
        partitions=partitions,
        # key_type=bytes is what makes the changelog key serializer "raw" (a Schema's serializers are not
        # used by recovery, which would then JSON-decode "kel:id" keys and hang).
        key_type=bytes,
        help=f"History of every {jenis.nama} record (pseudonymised images; no NIK, no name).",
    )
    prosesor = ProsesorRekaman(jenis, serde, ref, topik_sumber, pseudonim)
    internal, dlq = topics.statistik_penduduk.name, topics.dlq.name
    app.prosesor[jenis.nama] = prosesor  # type: ignore[attr-defined]
    changelog_topik = tabel.changelog_topic.get_topic_name()
    penjaga = PenjagaUrutan(settings.bootstrap_servers, topik_sumber)
    app.penjaga[jenis.nama] = penjaga  # type: ignore[attr-defined]
    sibuk = asyncio.Lock()  # a batch and a rebuild of the aggregates never interleave
    diterapkan = metrik.diproses.labels(topik_sumber, APPLIED)
    dibuang = metrik.diproses.labels(topik_sumber, DEAD_LETTERED)
    kesegaran = metrik.kesegaran.labels(topik_sumber)
    durasi = metrik.batch_durasi.labels(topik_sumber)

    def catat_metrik(per_partisi: dict[int, list[Keputusan]], mulai: float) -> None:
        """Counts once per batch; freshness per event from its ledger entry (ts_proses − ts_sumber)."""
        n = 0
        alasan: Counter[str] = Counter()
        for keputusan in per_partisi.values():
            n += len(keputusan)
            for kep in keputusan:
                c = kep.catatan
                if kep.dead_letter is not None:
                    alasan[kep.dead_letter.kode] += 1
                if c.ts_sumber_ms > 0:
                    kesegaran.observe(max(0, c.ts_proses_ms - c.ts_sumber_ms) / 1000)
        n_dl = alasan.total()
        diterapkan.inc(n - n_dl)
        if n_dl:
            dibuang.inc(n_dl)
            for kode, k in alasan.items():
                metrik.dead_letter.labels(topik_sumber, kode).inc(k)
        durasi.observe(time.perf_counter() - mulai)

    async def kirim_snapshot(partisi: int) -> None:
        # A new generation for this partition, durable in the table's changelog before the snapshot can
        # reach the sink (see streams/pesan.py for why).
        kunci_gen = KUNCI_GENERASI + str(partisi).encode()
        generasi = int((tabel.data.get(kunci_gen) or [0])[0]) + 1
        tabel.data[kunci_gen] = [generasi]
        terkirim = await app.producer.send(
            changelog_topik, kunci_gen, b"[%d]" % generasi, partisi, None, None
        )
        await terkirim
        rekaman = [
            (k, v)
            for k, v in tabel.data.items()
            if v is not None and not k.startswith(KUNCI_GENERASI) and v[2] == partisi
        ]
        n = 0
        for pesan in potong_snapshot(prosesor, partisi, rekaman, generasi):
            await app.producer.send(internal, None, pesan.ke_bytes(), partisi, None, None)
            n += len(pesan.grup)
        penjaga.mulai(partisi, prosesor.partisi[partisi].offset_terakhir)
        log.info("%s partition %s: %s groups rebuilt from %s records", jenis.nama, partisi, n, len(rekaman))

    def lepas(partisi: Iterable[int]) -> None:
        """This worker no longer owns these partitions: drop their aggregates and offset expectations."""
        daftar = list(partisi)
        prosesor.lupakan(daftar)
        for p in daftar:
            penjaga.lupakan(p)

    async def tangani(
        msg: PesanSumber,
        per_partisi: dict[int, list[Keputusan]],
        changelog: dict[tuple[int, bytes], NilaiTabel],
    ) -> None:
        """Process one source record of the current batch, collecting its table write and ledger entry."""
        lama = tabel.data.get(msg.key) if msg.key is not None else None
        kep = await prosesor.proses(msg.key, msg.value, msg.partition, msg.offset, msg.timestamp_ms, lama)
        if kep.tulis_tabel is not None and msg.key is not None:
            # Same partition as the source record: the table stays co-partitioned whatever partitioner the
            # source's producer used.
            tabel.data[msg.key] = kep.tulis_tabel
            changelog[(msg.partition, msg.key)] = kep.tulis_tabel
        if kep.dead_letter is not None:
            await app.producer.send(
                dlq,
                msg.key,
                msg.value,
                None,
                None,
                kep.dead_letter.headers(msg.topic, msg.partition, msg.offset),
            )
        per_partisi[msg.partition].append(kep)
        penjaga.catat(msg.partition, msg.offset)

    async def proses_batch(events: list[Any]) -> None:
        mulai = time.perf_counter()
        per_partisi: dict[int, list[Keputusan]] = defaultdict(list)
        changelog: dict[tuple[int, bytes], NilaiTabel] = {}
        for event in events:
            m = event.message
            if not prosesor.siap(m.partition):
                await kirim_snapshot(m.partition)
            celah = penjaga.celah(m.partition, m.offset)
            if celah is not None:
                for terlewat in await penjaga.baca(m.partition, *celah):
                    await tangani(terlewat, per_partisi, changelog)
            ts_ms = int((m.timestamp or 0) * 1000)
            await tangani(
                PesanSumber(m.topic, m.partition, m.offset, m.key, m.value, ts_ms), per_partisi, changelog
            )
        # One changelog record per key and batch, produced directly (Faust's per-record send_soon buffer
        # costs more than the processing); the consumer flushes the producer before it commits. Sent in
        # order of the offset that wrote them, so whatever part of them a crash lets through, the recovered
        # table holds every write up to its newest offset, and the offset guard re-reads all events after it.
        for (partisi, kunci), nilai in sorted(changelog.items(), key=lambda kv: int(kv[1][1])):
            await app.producer.send(
                changelog_topik,
                kunci,
                json.dumps(nilai, separators=(",", ":")).encode(),
                partisi,
                None,
                None,
            )
        for partisi, keputusan in per_partisi.items():
            pesan = prosesor.kumpulkan(partisi, keputusan)
            await app.producer.send(internal, None, pesan.ke_bytes(), partisi, None, None)
        catat_metrik(per_partisi, mulai)

    async def agen(stream: Any) -> None:
        # Faust acks a batch's events only after this body has handled the whole batch (take_events), so
        # every table write, dead letter and sink message of a batch is sent before its offsets can be
        # committed.
        async for events in stream.take_events(settings.batch_maks, within=settings.batch_tunggu):
            async with sibuk:
                await proses_batch(events)

    app.agent(sumber, name=f"agen-{jenis.nama}", concurrency=1)(agen)

    async def segarkan() -> None:
        """Build aggregates for newly assigned partitions (also those that receive no events)."""
        recovery = app.tables.recovery  # type: ignore[attr-defined]  # not on the TableManagerT protocol
        if app.rebalancing or not recovery.completed.is_set():
            return
        aktif = {tp.partition for tp in app.assignor.assigned_actives() if tp.topic == topik_sumber}
        async with sibuk:
            lepas(set(prosesor.partisi) - aktif)
            for p in sorted(aktif):
                if not prosesor.siap(p):
                    await kirim_snapshot(p)

    app.timer(1.0, name=f"segarkan-{jenis.nama}")(segarkan)

    async def dicabut(app: faust.App, revoked: Any, **kwargs: Any) -> None:
        lepas(tp.partition for tp in revoked if tp.topic == topik_sumber)

    app.on_partitions_revoked.connect(dicabut)  # type: ignore[arg-type]  # mode's signal typing
