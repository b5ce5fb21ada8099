"""Every source offset is processed: a guard against offsets the Faust consumer skips.

The source topic is neither compacted nor transactional, so its offsets are contiguous and a worker must see
every one of them in order. Under a crash-and-restart, Faust 0.15's fetcher has been seen (in
``tests/integration/test_kegagalan.py``) to deliver a partition's events with a few offsets missing in the
middle, while still committing past them: without this guard those changes would be lost. The agent asks
:meth:`PenjagaUrutan.celah` before each event; if offsets are missing it reads them straight from Kafka with
a group-less consumer and processes them first.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PesanSumber:
    """One source record, whichever consumer delivered it."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp_ms: int


class PenjagaUrutan:
    """Tracks the next expected offset per partition and fills gaps from Kafka."""

    def __init__(self, bootstrap: str, topic: str, batas_waktu: float = 30.0) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.batas_waktu = batas_waktu
        self.berikut: dict[int, int] = {}
        self._dari_tabel: set[int] = set()  # expectation still the table's, not yet this worker's own
        self.diisi = 0  # offsets read directly so far (for tests and the log)

    def mulai(self, partisi: int, offset_terakhir: int) -> None:
        """After (re)building a partition from its table: its next offset is at most one past the table's."""
        if offset_terakhir >= 0:
            self.berikut[partisi] = offset_terakhir + 1
            self._dari_tabel.add(partisi)
        else:
            self.lupakan(partisi)

    def lupakan(self, partisi: int) -> None:
        self.berikut.pop(partisi, None)
        self._dari_tabel.discard(partisi)

    def catat(self, partisi: int, offset: int) -> None:
        """``offset`` was processed. A redelivery (lower offset) simply moves the expectation back."""
        self.berikut[partisi] = offset + 1
        self._dari_tabel.discard(partisi)

    def celah(self, partisi: int, offset: int) -> tuple[int, int] | None:
        """The missing offsets ``[from, to)`` before ``offset``, if any."""
        harap = self.berikut.get(partisi)
        return (harap, offset) if harap is not None and offset > harap else None

    async def baca(self, partisi: int, dari: int, sampai: int) -> list[PesanSumber]:
        """Records ``[dari, sampai)`` of one partition, read directly (no consumer group, nothing committed)."""
        if partisi in self._dari_tabel:
            # Right after a rebuild: usually events the previous owner committed without changing the
            # table (duplicates, dead letters); re-reading them is harmless and rules out a skip.
            log.info("partition %s: re-reading offsets %s..%s after the rebuild", partisi, dari, sampai - 1)
        else:
            log.warning(
                "partition %s: offsets %s..%s were not delivered by the Faust consumer; reading them directly",
                partisi,
                dari,
                sampai - 1,
            )
        tp = TopicPartition(self.topic, partisi)
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        await consumer.start()
        try:
            consumer.assign([tp])
            consumer.seek(tp, dari)
            hasil: list[PesanSumber] = []
            async with asyncio.timeout(self.batas_waktu):
                while not hasil or hasil[-1].offset < sampai - 1:
                    batch = await consumer.getmany(tp, timeout_ms=1000, max_records=sampai - dari)
                    hasil += [
                        PesanSumber(m.topic, m.partition, m.offset, m.key, m.value, int(m.timestamp))
                        for m in batch.get(tp, [])
                        if dari <= m.offset < sampai
                    ]
        finally:
            await consumer.stop()
        self.diisi += len(hasil)
        return hasil
