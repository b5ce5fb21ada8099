"""Topic sizes and consumer-group lag, for counts, the live view and benchmarks."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


class OffsetReader:
    def __init__(self, bootstrap: str) -> None:
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        self._admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        self._partitions_cache: dict[str, list[TopicPartition]] = {}

    async def start(self) -> None:
        await self._consumer.start()
        await self._admin.start()

    async def stop(self) -> None:
        await self._consumer.stop()
        await self._admin.close()

    async def _partitions(self, topic: str) -> list[TopicPartition]:
        if topic not in self._partitions_cache:
            described = await self._admin.describe_topics([topic])
            parts = sorted(p["partition"] for d in described if d["topic"] == topic for p in d["partitions"])
            if not parts:
                return []
            self._partitions_cache[topic] = [TopicPartition(topic, p) for p in parts]
        return self._partitions_cache[topic]

    async def akhir(self, topic: str) -> dict[int, int]:
        """End offset per partition."""
        tps = await self._partitions(topic)
        if not tps:
            return {}
        ends = await self._consumer.end_offsets(tps)
        return {tp.partition: int(ends[tp]) for tp in tps}

    async def jumlah_pesan(self, topic: str) -> int:
        """Messages in the topic (end − beginning, summed over partitions)."""
        tps = await self._partitions(topic)
        if not tps:
            return 0
        ends = await self._consumer.end_offsets(tps)
        begins = await self._consumer.beginning_offsets(tps)
        return sum(int(ends[tp]) - int(begins[tp]) for tp in tps)

    async def lag(self, group: str, topic: str) -> int:
        """Messages of ``topic`` not yet committed by consumer group ``group``."""
        ends = await self.akhir(topic)
        committed = await self._admin.list_consumer_group_offsets(group)
        done = {tp.partition: meta.offset for tp, meta in committed.items() if tp.topic == topic}
        return sum(max(0, end - max(done.get(p, 0), 0)) for p, end in ends.items())
