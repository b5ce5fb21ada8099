"""Publishes validated resident changes to Kafka as Confluent-framed Avro, waiting for the broker's acks.

Used by the ingest API and by the simulator's direct mode. The producer is idempotent with ``acks=all``, so a
record is reported accepted only once the broker has it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer

from satudata.kafka.topics import hub_topics
from satudata.penduduk import SCHEMA_NAME, PerubahanValid, periksa_perubahan
from satudata.serde import AvroSerde
from satudata.settings import Settings
from satudata.wilayah import referensi_kota_bima


class PendudukPublisher:
    def __init__(self, settings: Settings, serde: AvroSerde | None = None) -> None:
        self.settings = settings
        self.topic = hub_topics(settings).penduduk.name
        self.subject = f"{self.topic}-value"
        self.serde = serde or AvroSerde(settings.registry_url)
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.bootstrap_servers,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            max_batch_size=256 * 1024,
            request_timeout_ms=30000,
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def publish_valid(self, items: Sequence[PerubahanValid]) -> None:
        """Send every change and wait until the broker acknowledged all of them (raises on any failure)."""
        if not items:
            return
        assert self._producer is not None, "publisher not started"
        schema_id = await self.serde.register(self.subject, SCHEMA_NAME)
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
            for r in (periksa_perubahan(rec, ref, sekarang=now) for rec in records)
            if isinstance(r, PerubahanValid)
        ]
        await self.publish_valid(valid)
        return len(valid)
