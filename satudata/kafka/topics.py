"""Every topic the hub uses, declared in one place, and their creation through the admin API.

The broker runs with ``auto.create.topics.enable=false``; the hub creates its topics with explicit partition
counts before any worker starts (Faust's PartitionsMismatch pitfall, STACK_NOTES §2.3).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from satudata.jenis import JENIS
from satudata.settings import Settings

FOREVER = {"retention.ms": "-1", "retention.bytes": "-1"}


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)
    doc: str = ""


@dataclass(frozen=True, slots=True)
class HubTopics:
    """The hub's topics for one settings object (names carry ``settings.topic_prefix``).

    ``sumber`` has the source topic (the event log) of every record type, keyed by its ``jenis`` name.
    """

    sumber: dict[str, TopicSpec]
    dlq: TopicSpec
    statistik_penduduk: TopicSpec
    schemas: TopicSpec

    @property
    def penduduk(self) -> TopicSpec:
        return self.sumber["penduduk"]

    def all(self) -> list[TopicSpec]:
        return [*self.sumber.values(), self.dlq, self.statistik_penduduk, self.schemas]


def hub_topics(settings: Settings) -> HubTopics:
    n = settings.topic_partitions
    return HubTopics(
        sumber={
            nama: TopicSpec(
                settings.topic(jenis.topik),
                n,
                dict(FOREVER),
                f"Changes of OpenSID {jenis.tabel} (Avro {jenis.schema_name}, Confluent framing); "
                "key '<kode_kelurahan>:<record_id>'. The event log.",
            )
            for nama, jenis in JENIS.items()
        },
        dlq=TopicSpec(
            settings.topic("dlq.v1"),
            1,
            dict(FOREVER),
            "Events the stream could not process: original bytes, reason and origin in headers.",
        ),
        statistik_penduduk=TopicSpec(
            settings.topic("statistik-penduduk.v1"),
            n,
            {"retention.ms": str(7 * 24 * 3600 * 1000)},
            "Internal: absolute aggregate values and per-event outcomes from the Faust worker to the sink.",
        ),
        schemas=TopicSpec(
            settings.topic("_schemas"),
            1,
            {"cleanup.policy": "compact", "min.compaction.lag.ms": "0"},
            "Schema registry storage (compacted).",
        ),
    )


class TopicMismatchError(RuntimeError):
    """An existing topic has a different partition count from its declaration."""


async def ensure_topics(bootstrap: str, specs: list[TopicSpec]) -> list[str]:
    """Create missing topics; verify existing ones have the declared partition count. Returns created names."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [s for s in specs if s.name not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # created concurrently by another process
                await admin.create_topics(
                    [NewTopic(s.name, s.partitions, 1, topic_configs=s.config) for s in missing]
                )
        present = [s for s in specs if s.name in existing]
        if present:
            described = await admin.describe_topics([s.name for s in present])
            counts = {d["topic"]: len(d["partitions"]) for d in described}
            for s in present:
                if counts.get(s.name) != s.partitions:
                    raise TopicMismatchError(
                        f"topik {s.name} punya {counts.get(s.name)} partisi, seharusnya {s.partitions}"
                    )
        return [s.name for s in missing]
    finally:
        await admin.close()
