"""The Faust application: ``create_app(settings)`` builds it with its topics, table, agent and timer.

Run a worker with ``satudata worker`` (several workers share the source partitions). The agent runs with
concurrency 1 because it writes state; Faust ``exactly_once`` is not used — the sink is idempotent instead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import faust

from satudata.kafka.topics import hub_topics
from satudata.penduduk import WITA
from satudata.serde import AvroSerde
from satudata.settings import Settings
from satudata.wilayah import referensi_kota_bima
from streams.celah import PenjagaUrutan, PesanSumber
from streams.penduduk import Keputusan, ProsesorPenduduk

log = logging.getLogger(__name__)

TABLE_PENDUDUK = "penduduk-status"
KUNCI_GENERASI = b"#generasi:"  # table key of a partition's aggregate generation (never a "kel:id" key)


def tanggal_acuan(settings: Settings) -> Callable[[], dt.date]:
    """Reference date for ages: the configured one, or today in WITA (so figures roll over at midnight)."""
    if settings.tanggal_acuan is not None:
        fixed = settings.tanggal_acuan
        return lambda: fixed
    return lambda: dt.datetime.now(WITA).date()


def create_app(settings: Settings) -> faust.App:
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
        web_enabled=False,
        datadir=str(settings.data_dir / "faust" / settings.faust_app_id),
    )
    sumber = app.topic(
        topics.penduduk.name,
        key_serializer="raw",
        value_serializer="raw",
        partitions=topics.penduduk.partitions,
    )
    tabel = app.Table(
        TABLE_PENDUDUK,
        default=None,
        partitions=topics.penduduk.partitions,
        # key_type=bytes is what makes the changelog key serializer "raw" (a Schema's serializers are not
        # used by recovery, which would then JSON-decode "kel:id" keys and hang).
        key_type=bytes,
        help="Last applied version and statistics image per resident record (no NIK, no name).",
    )
    serde = AvroSerde(settings.registry_url)
    prosesor = ProsesorPenduduk(serde, referensi_kota_bima(), topics.penduduk.name, tanggal_acuan(settings))
    internal, dlq = topics.statistik_penduduk.name, topics.dlq.name
    app.prosesor = prosesor  # type: ignore[attr-defined]  # for the live view and tests

    changelog_topik = tabel.changelog_topic.get_topic_name()
    penjaga = PenjagaUrutan(settings.bootstrap_servers, topics.penduduk.name)
    app.penjaga = penjaga  # type: ignore[attr-defined]
    sibuk = asyncio.Lock()  # a batch and a rebuild of the aggregates never interleave

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
        nilai = (v for k, v in tabel.data.items() if v is not None and not k.startswith(KUNCI_GENERASI))
        snap = prosesor.bangun(partisi, nilai, generasi)
        penjaga.mulai(partisi, snap.offset)
        await app.producer.send(internal, None, snap.ke_bytes(), partisi, None, None)
        log.info("partition %s: %s groups rebuilt (offset %s)", partisi, len(snap.grup), snap.offset)

    def lepas(partisi: Iterable[int]) -> None:
        """This worker no longer owns these partitions: drop their aggregates and offset expectations."""
        daftar = list(partisi)
        prosesor.lupakan(daftar)
        for p in daftar:
            penjaga.lupakan(p)

    async def tangani(
        msg: PesanSumber,
        per_partisi: dict[int, list[Keputusan]],
        changelog: dict[tuple[int, bytes], list[Any]],
    ) -> None:
        """Process one source record of the current batch, collecting its table write and ledger entry."""
        kep = await prosesor.proses(
            msg.key, msg.value, msg.partition, msg.offset, msg.timestamp_ms, tabel.data.get
        )
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

    @app.agent(sumber, concurrency=1)
    async def penduduk(stream: Any) -> None:
        # Faust acks a batch's events only after this body has handled the whole batch (take_events), so every
        # table write, dead letter and sink message of a batch is sent before its offsets can be committed.
        async for events in stream.take_events(settings.batch_maks, within=settings.batch_tunggu):
            async with sibuk:
                per_partisi: dict[int, list[Keputusan]] = defaultdict(list)
                changelog: dict[tuple[int, bytes], list[Any]] = {}
                for event in events:
                    m = event.message
                    if not prosesor.siap(m.partition):
                        await kirim_snapshot(m.partition)
                    celah = penjaga.celah(m.partition, m.offset)
                    if celah is not None:
                        for terlewat in await penjaga.baca(m.partition, *celah):
                            await tangani(terlewat, per_partisi, changelog)
                    ts_ms = int((m.timestamp or 0) * 1000)
                    rekaman = PesanSumber(m.topic, m.partition, m.offset, m.key, m.value, ts_ms)
                    await tangani(rekaman, per_partisi, changelog)
                # One changelog record per key and batch, produced directly (Faust's per-record send_soon
                # buffer costs more than the processing); the consumer flushes the producer before it commits.
                # Sent in order of the offset that wrote them, so whatever part of them a crash lets through,
                # the recovered table holds every write up to its newest offset, and the offset guard re-reads
                # all events after it.
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

    @app.timer(1.0)  # type: ignore[untyped-decorator]  # faust decorators are untyped
    async def segarkan() -> None:
        """Build aggregates for newly assigned partitions, and rebuild all of them when the date changes."""
        recovery = app.tables.recovery  # type: ignore[attr-defined]  # not on the TableManagerT protocol
        if app.rebalancing or not recovery.completed.is_set():
            return
        aktif = {
            tp.partition for tp in app.assignor.assigned_actives() if tp.topic == sumber.get_topic_name()
        }
        async with sibuk:
            lepas(set(prosesor.partisi) - aktif)
            for p in sorted(aktif):
                if not prosesor.siap(p):
                    await kirim_snapshot(p)

    @app.on_partitions_revoked.connect  # type: ignore[arg-type]  # mode's signal typing
    async def dicabut(app: faust.App, revoked: Any, **kwargs: Any) -> None:
        lepas(tp.partition for tp in revoked if tp.topic == sumber.get_topic_name())

    return app
