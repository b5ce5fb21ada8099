"""Schema registry state kept in a compacted Kafka topic, like Confluent's ``_schemas``.

Every change is a record on partition 0 of the storage topic, in Confluent's key/value JSON (the record
format and the in-memory model it rebuilds are in :mod:`api.registry.state`).

State is a pure function of the log: one background consumer applies every record in offset order, ours and
other processes'. A write (``acks="all"``, idempotent) returns once the broker acknowledged it *and* the
consumer applied it, so clients read their own writes; every API process serves reads and converges.
Like Confluent's leader, **one process should be the writer**: writes are serialised by an asyncio.Lock and
first catch up to the log end, but two writing processes could still pick the same id (last write wins).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiokafka  # type: ignore[import-untyped, unused-ignore]

from api.registry.compatibility import (
    CompatibilityLevel,
    InvalidSchemaError,
    check_compatibility,
    parse_level,
    parse_schema,
)
from api.registry.state import RegistryError, RegistryState, invalid_schema, record_key
from satudata.kafka.topics import TopicSpec, ensure_topics

log = logging.getLogger(__name__)


class SchemaStore(RegistryState):
    """The registry state, persisted in (and rebuilt from) a compacted topic; reads are :class:`RegistryState`'s."""

    def __init__(self, bootstrap: str, topic: str | TopicSpec, *, timeout: float = 30.0) -> None:
        super().__init__()
        self.spec = (
            topic
            if isinstance(topic, TopicSpec)
            else TopicSpec(
                topic,
                1,
                {"cleanup.policy": "compact", "min.compaction.lag.ms": "0"},
                "Schema registry storage.",
            )
        )
        self.bootstrap, self.timeout = bootstrap, timeout
        self._tp = aiokafka.TopicPartition(self.spec.name, 0)
        self._position = 0  # next offset to apply
        self._progress = asyncio.Condition()
        self._write_lock = asyncio.Lock()
        self._producer: aiokafka.AIOKafkaProducer | None = None
        self._consumer: aiokafka.AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._following = False

    # ----------------------------------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        """Create the topic if missing, replay it up to its current end, then keep following it."""
        await ensure_topics(self.bootstrap, [self.spec])
        self._consumer = aiokafka.AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=200,
        )
        self._producer = aiokafka.AIOKafkaProducer(
            bootstrap_servers=self.bootstrap, acks="all", enable_idempotence=True
        )
        await self._consumer.start()
        await self._producer.start()
        self._consumer.assign([self._tp])
        await self._consumer.seek_to_beginning(self._tp)
        self._following = True
        self._task = asyncio.create_task(self._follow(), name=f"schema-store:{self.spec.name}")
        await self._catch_up()
        log.info("schema store %s ready: %d subjects", self.spec.name, len(self._subjects))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for client in (self._producer, self._consumer):
            if client is not None:
                await client.stop()
        self._producer = self._consumer = None

    # ------------------------------------------------------------------------------------ log following
    async def _follow(self) -> None:
        assert self._consumer is not None
        try:
            while True:
                try:
                    batches = await self._consumer.getmany(self._tp, timeout_ms=500)
                    for record in batches.get(self._tp, []):
                        try:
                            self.apply(record.key, record.value)
                        except (ValueError, KeyError, TypeError) as exc:
                            log.warning("skipping bad registry record at offset %d: %s", record.offset, exc)
                        self._position = record.offset + 1
                    self._position = max(self._position, await self._consumer.position(self._tp))
                except aiokafka.errors.KafkaError as exc:
                    log.warning("schema store consumer error, retrying: %s", exc)
                    await asyncio.sleep(1)
                async with self._progress:
                    self._progress.notify_all()
        finally:
            self._following = False
            async with self._progress:
                self._progress.notify_all()

    async def _wait_applied(self, offset: int) -> None:
        """Wait until every record before ``offset`` has been applied."""

        def reached() -> bool:
            if not self._following:
                raise RegistryError(500, 50001, "Error in the backend data store: registry consumer stopped")
            return self._position >= offset

        try:
            async with self._progress:
                await asyncio.wait_for(self._progress.wait_for(reached), self.timeout)
        except TimeoutError:
            raise RegistryError(500, 50002, "Operation timed out while reading the schema store") from None

    async def _catch_up(self) -> None:
        if self._consumer is None:
            raise RegistryError(500, 50001, "Error in the backend data store: schema store not started")
        end = (await self._consumer.end_offsets([self._tp]))[self._tp]
        await self._wait_applied(end)

    async def _write(self, key: bytes, value: dict[str, Any] | None) -> None:
        if self._producer is None:
            raise RegistryError(500, 50001, "Error in the backend data store: schema store not started")
        raw = None if value is None else json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
        meta = await self._producer.send_and_wait(self.spec.name, raw, key=key, partition=0)
        await self._wait_applied(meta.offset + 1)

    # ------------------------------------------------------------------------------------------ writes
    @contextlib.asynccontextmanager
    async def _writing(self) -> AsyncIterator[None]:
        """Serialise writes and start each from the latest log state."""
        async with self._write_lock:
            await self._catch_up()
            yield

    async def register(self, subject: str, schema: str) -> int:
        """Register ``schema`` under ``subject`` and return its id (existing id if already registered)."""
        try:
            parsed = parse_schema(schema)
        except InvalidSchemaError as exc:
            raise invalid_schema(exc) from None
        async with self._writing():
            versions = self._subjects.get(subject, {})
            live = self._live(versions)
            for sv in live:
                if sv.identity == parsed.identity:
                    return sv.id
            result = check_compatibility(
                self.compatibility_level(subject),
                parsed.text,
                [sv.schema for sv in live],
                [sv.version for sv in live],
            )
            if not result.is_compatible:
                raise RegistryError(
                    409,
                    409,
                    (
                        "Schema being registered is incompatible with an earlier schema for subject "
                        f'"{subject}", details: {result.messages}'
                    ),
                )
            schema_id = self._id_by_identity.get(parsed.identity) or self._max_id + 1
            version = max(versions, default=0) + 1
            value = {"subject": subject, "version": version, "id": schema_id, "schema": parsed.text}
            await self._write(record_key("SCHEMA", subject, version), {**value, "deleted": False})
            return schema_id

    async def delete_subject(self, subject: str, permanent: bool = False) -> list[int]:
        """Soft-delete every version (or hard-delete already soft-deleted ones); return the versions."""
        async with self._writing():
            found = self._versions_of(subject, include_deleted=True)
            live = [sv.version for sv in found if not sv.deleted]
            if not permanent:
                if not live:
                    raise RegistryError(
                        404,
                        40404,
                        (f"Subject '{subject}' was soft deleted.Set permanent=true to delete permanently"),
                    )
                watermark = {"subject": subject, "version": found[-1].version}
                await self._write(record_key("DELETE_SUBJECT", subject), watermark)
                if subject in self._subject_levels:  # Confluent drops the subject's config on soft delete
                    await self._write(record_key("CONFIG", subject), None)
                return live
            if live:
                raise RegistryError(
                    404,
                    40405,
                    (f"Subject '{subject}' was not deleted first before being permanently deleted"),
                )
            for sv in found:
                await self._write(record_key("SCHEMA", subject, sv.version), None)
            await self._write(record_key("DELETE_SUBJECT", subject), None)
            return [sv.version for sv in found]

    async def delete_version(self, subject: str, version: int | str, permanent: bool = False) -> int:
        """Soft-delete one version, or hard-delete an already soft-deleted one; return its number."""
        async with self._writing():
            sv = self.get_version(subject, version, include_deleted=permanent)
            if permanent and not sv.deleted:
                raise RegistryError(
                    404,
                    40407,
                    (
                        f"Subject '{subject}' Version {sv.version} was not deleted first before being "
                        "permanently deleted"
                    ),
                )
            value = (
                None
                if permanent
                else {
                    "subject": subject,
                    "version": sv.version,
                    "id": sv.id,
                    "schema": sv.schema,
                    "deleted": True,
                }
            )
            await self._write(record_key("SCHEMA", subject, sv.version), value)
            return sv.version

    async def set_compatibility(self, level: str, subject: str | None = None) -> CompatibilityLevel:
        """Set the global (``subject=None``) or a subject's compatibility level (42203 if invalid)."""
        try:
            parsed = parse_level(level)
        except ValueError as exc:
            raise RegistryError(422, 42203, str(exc)) from None
        async with self._writing():
            await self._write(record_key("CONFIG", subject), {"compatibilityLevel": parsed.value})
        return parsed

    async def delete_compatibility(self, subject: str) -> CompatibilityLevel:
        """Remove a subject's own level (it falls back to the global one); return the removed level."""
        async with self._writing():
            level = self._subject_levels.get(subject)
            if level is None:
                raise RegistryError(
                    404, 40408, (f"Subject '{subject}' does not have subject-level compatibility configured")
                )
            await self._write(record_key("CONFIG", subject), None)
            return level
