"""Publishes validated changes of any record type to Kafka as Confluent-framed Avro, waiting for the broker's acks.

Used by the ingest API and by the simulator's direct mode. The producer is idempotent with ``acks=all``, so a
record is reported accepted only once the broker has it. :class:`Publishers` shares one producer and one
serde between the publishers of every record type (the API); a lone :class:`RekamanPublisher` owns its own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer

from satudata.jenis import JENIS, JenisRekaman, periksa_perubahan
from satudata.kafka.topics import hub_topics
from satudata.perubahan import PerubahanValid
from satudata.serde import AvroSerde
from satudata.settings import Settings
from satudata.wilayah import referensi_kota_bima


def buat_producer(settings: Settings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        max_batch_size=256 * 1024,
        request_timeout_ms=30000,
    )


class RekamanPublisher:
    """Publisher of one record type to its source topic (subject ``<topic>-value``).

    Given a ``producer``, the publisher borrows it (``start``/``stop`` leave it alone); otherwise it creates and
    owns one on :meth:`start`.
    """

    def __init__(
        self,
        settings: Settings,
        jenis: str,
        serde: AvroSerde | None = None,
        *,
        producer: AIOKafkaProducer | None = None,
    ) -> None:
        if jenis not in JENIS:
            raise ValueError(f"jenis rekaman tidak dikenal: {jenis!r} (pilihan: {', '.join(JENIS)})")
        self.settings = settings
        self.jenis: JenisRekaman = JENIS[jenis]
        self.topic = hub_topics(settings).sumber[jenis].name
        self.subject = f"{self.topic}-value"
        self.serde = serde or AvroSerde(settings.registry_url)
        self._producer = producer
        self._milik_sendiri = producer is None

    def pinjam(self, producer: AIOKafkaProducer) -> None:
        """Publish through a producer started and stopped by someone else (e.g. :class:`Publishers`)."""
        self._producer, self._milik_sendiri = producer, False

    async def start(self) -> None:
        if self._milik_sendiri:
            self._producer = buat_producer(self.settings)
            await self._producer.start()

    async def stop(self) -> None:
        if self._milik_sendiri and self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def publish_valid(self, items: Sequence[PerubahanValid]) -> None:
        """Send every change and wait until the broker acknowledged all of them (raises on any failure)."""
        if not items:
            return
        assert self._producer is not None, "publisher not started"
        schema_id = await self.serde.register(self.subject, self.jenis.schema_name)
        futures = [
            await self._producer.send(
                self.topic, self.serde.encode_with(schema_id, item.envelope), key=item.key.encode()
            )
            for item in items
        ]
        await asyncio.gather(*futures)

    async def publish(self, records: Sequence[dict[str, Any]]) -> int:
        """Validate JSON changes like the API does, publish the valid ones; returns how many were accepted."""
        now = dt.datetime.now(dt.UTC)
        ref = referensi_kota_bima()
        valid = [
            r
            for r in (periksa_perubahan(self.jenis, rec, ref, sekarang=now) for rec in records)
            if isinstance(r, PerubahanValid)
        ]
        await self.publish_valid(valid)
        return len(valid)


class PendudukPublisher(RekamanPublisher):
    """The resident publisher (topic ``<prefix>.penduduk.v1``)."""

    def __init__(
        self,
        settings: Settings,
        serde: AvroSerde | None = None,
        *,
        producer: AIOKafkaProducer | None = None,
    ) -> None:
        super().__init__(settings, "penduduk", serde, producer=producer)


class Publishers:
    """One publisher per record type sharing one idempotent producer and one serde (the API's)."""

    def __init__(self, settings: Settings, serde: AvroSerde | None = None) -> None:
        self.settings = settings
        self.serde = serde or AvroSerde(settings.registry_url)
        self.producer: AIOKafkaProducer | None = None
        self.penduduk = PendudukPublisher(settings, self.serde)
        self._per_jenis = {
            nama: self.penduduk if nama == "penduduk" else RekamanPublisher(settings, nama, self.serde)
            for nama in JENIS
        }

    def __getitem__(self, jenis: str) -> RekamanPublisher:
        return self._per_jenis[jenis]

    async def start(self) -> None:
        self.producer = buat_producer(self.settings)  # created here: aiokafka binds it to the running loop
        await self.producer.start()
        for publisher in self._per_jenis.values():
            publisher.pinjam(self.producer)

    async def stop(self) -> None:
        if self.producer is not None:
            await self.producer.stop()
            self.producer = None
