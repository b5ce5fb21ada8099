"""Avro (de)serialisation in the Confluent wire format against a schema registry.

Any Confluent-compatible registry works (the hub's own at ``/registry``, Karapace, Apicurio's ccompat API):
the client is python-schema-registry-client, pointed at ``settings.registry_url``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from schema_registry.client import AsyncSchemaRegistryClient

from satudata.avro import (
    SchemaCatalog,
    WireFormatError,
    catalog,
    decode_body,
    encode_body,
    frame,
    parse,
    unframe,
)


class DecodeError(ValueError):
    """A message that cannot be decoded; ``kode`` is a stable reason code for counting and the DLQ."""

    def __init__(self, kode: str, pesan: str) -> None:
        super().__init__(pesan)
        self.kode = kode
        self.pesan = pesan


class AvroSerde:
    """Encodes records of the local catalogue and decodes any registered writer schema into a reader schema."""

    def __init__(self, registry_url: str, schemas: SchemaCatalog | None = None) -> None:
        self.client = AsyncSchemaRegistryClient(url=registry_url)
        self.catalog = schemas or catalog()
        self._ids: dict[tuple[str, str], int] = {}
        self._writers: dict[int, Any] = {}
        self._readers: dict[str, Any] = {}
        self._lock = asyncio.Lock()

    def reader(self, full_name: str) -> Any:
        if full_name not in self._readers:
            self._readers[full_name] = self.catalog.parsed(full_name)
        return self._readers[full_name]

    async def register(self, subject: str, full_name: str) -> int:
        """Register (or look up) the local schema under ``subject``; cached after the first call."""
        key = (subject, full_name)
        if key not in self._ids:
            async with self._lock:
                if key not in self._ids:
                    schema_id = await self.client.register(subject, self.catalog.schema(full_name))
                    self._ids[key] = int(schema_id)
                    self._writers[int(schema_id)] = self.reader(full_name)
        return self._ids[key]

    async def encode(self, subject: str, full_name: str, record: Mapping[str, Any]) -> bytes:
        schema_id = await self.register(subject, full_name)
        return frame(schema_id, encode_body(self._writers[schema_id], record))

    def encode_with(self, schema_id: int, record: Mapping[str, Any]) -> bytes:
        """Encode with an id already returned by :meth:`register` (no await on the hot path)."""
        return frame(schema_id, encode_body(self._writers[schema_id], record))

    async def writer_schema(self, schema_id: int) -> Any:
        if schema_id not in self._writers:
            found = await self.client.get_by_id(schema_id)
            if found is None:
                raise DecodeError("skema-tidak-dikenal", f"skema id {schema_id} tidak ada di registry")
            self._writers[schema_id] = parse(found.raw_schema)
        return self._writers[schema_id]

    async def decode(self, data: bytes | None, reader_name: str) -> dict[str, Any]:
        if data is None:
            raise DecodeError("pesan-kosong", "pesan tanpa nilai (tombstone) tidak didukung di topik sumber")
        try:
            schema_id, body = unframe(data)
        except WireFormatError as exc:
            raise DecodeError("format-bukan-confluent", str(exc)) from exc
        writer = await self.writer_schema(schema_id)
        try:
            value = decode_body(body, writer, self.reader(reader_name))
        except Exception as exc:  # fastavro raises many types on corrupt input
            raise DecodeError(
                "avro-rusak", f"isi Avro tidak dapat dibaca (skema id {schema_id}): {exc}"
            ) from exc
        if not isinstance(value, dict):
            raise DecodeError("avro-rusak", "isi Avro bukan record")
        return value
