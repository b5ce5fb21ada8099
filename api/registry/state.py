"""The registry's in-memory model: subjects, versions, ids and levels, rebuilt from storage-topic records.

The state is a pure function of the log (see :mod:`api.registry.store` for how the log is kept in Kafka).
Every change is a record with Confluent's key/value JSON, as in its ``_schemas`` topic:

* ``{"keytype":"SCHEMA","subject":s,"version":v,"magic":1}``
  → ``{"subject","version","id","schema","deleted"}`` (``null`` value = tombstone, a hard-deleted version);
* ``{"keytype":"CONFIG","subject":s|null,"magic":0}`` → ``{"compatibilityLevel": "FULL"}`` (``null`` = unset);
* ``{"keytype":"DELETE_SUBJECT","subject":s,"magic":0}`` → ``{"subject": s, "version": watermark}``
  (soft delete of every version up to the watermark).

:class:`RegistryState` applies records (:meth:`RegistryState.apply`) and answers every read; it does no I/O.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from api.registry.compatibility import (
    DEFAULT_LEVEL,
    CompatibilityLevel,
    CompatibilityResult,
    InvalidSchemaError,
    check_compatibility,
    parse_level,
    parse_schema,
)

LATEST = "latest"


class RegistryError(Exception):
    """An error a registry client sees: HTTP status plus Confluent's ``error_code`` and message."""

    def __init__(self, status: int, error_code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.error_code, self.message = status, error_code, message


def subject_not_found(subject: str) -> RegistryError:
    return RegistryError(404, 40401, f"Subject '{subject}' not found.")


def schema_not_found(schema_id: int | None = None) -> RegistryError:
    return RegistryError(404, 40403, f"Schema {schema_id} not found" if schema_id else "Schema not found")


def invalid_schema(exc: Exception) -> RegistryError:
    return RegistryError(422, 42201, str(exc))


@dataclass(frozen=True, slots=True)
class SchemaVersion:
    subject: str
    version: int
    id: int
    schema: str
    deleted: bool = False
    identity: str = ""


def record_key(keytype: str, subject: str | None, version: int | None = None) -> bytes:
    """Byte-stable record key (compaction keys on exact bytes), field order as Confluent writes it."""
    key: dict[str, Any] = {"keytype": keytype, "subject": subject}
    if version is not None:
        key["version"] = version
    key["magic"] = 1 if keytype == "SCHEMA" else 0
    return json.dumps(key, separators=(",", ":"), ensure_ascii=False).encode()


class RegistryState:
    """Subjects, versions, ids and compatibility levels as the records applied so far describe them."""

    def __init__(self) -> None:
        self._subjects: dict[str, dict[int, SchemaVersion]] = {}
        self._schema_by_id: dict[int, str] = {}
        self._id_by_identity: dict[str, int] = {}
        self._refs: dict[int, set[tuple[str, int]]] = {}
        self._max_id = 0
        self._global_level: CompatibilityLevel | None = None
        self._subject_levels: dict[str, CompatibilityLevel] = {}

    # ----------------------------------------------------------------------------------- applying records
    def apply(self, key_bytes: bytes | None, value_bytes: bytes | None) -> None:
        """Apply one storage record; a malformed one raises ``ValueError``, ``KeyError`` or ``TypeError``."""
        key = json.loads(key_bytes or b"{}")
        value = None if value_bytes is None else json.loads(value_bytes)
        keytype, subject = key.get("keytype"), key.get("subject")
        if keytype == "SCHEMA":
            self._apply_schema(str(subject), int(key["version"]), value)
        elif keytype == "CONFIG":
            level = None if value is None else parse_level(value["compatibilityLevel"])
            if subject is None:
                self._global_level = level
            elif level is None:
                self._subject_levels.pop(subject, None)
            else:
                self._subject_levels[subject] = level
        elif keytype == "DELETE_SUBJECT" and value is not None:
            versions = self._subjects.get(str(subject), {})
            for v, sv in versions.items():
                if v <= int(value["version"]):
                    versions[v] = replace(sv, deleted=True)
        # NOOP, MODE and other Confluent key types carry nothing this registry uses

    def _apply_schema(self, subject: str, version: int, value: dict[str, Any] | None) -> None:
        versions = self._subjects.setdefault(subject, {})
        old = versions.pop(version, None)
        if old is not None:
            refs = self._refs.get(old.id, set())
            refs.discard((subject, version))
            if not refs:
                self._refs.pop(old.id, None)
                self._schema_by_id.pop(old.id, None)
                self._id_by_identity = {k: i for k, i in self._id_by_identity.items() if i != old.id}
        if value is None:
            if not versions:
                del self._subjects[subject]
            return
        schema_id, text = int(value["id"]), str(value["schema"])
        try:
            identity = parse_schema(text).identity
        except InvalidSchemaError:
            identity = ""  # stored by someone else; still served by id, never matched for reuse
        sv = SchemaVersion(subject, version, schema_id, text, bool(value.get("deleted", False)), identity)
        versions[version] = sv
        self._refs.setdefault(schema_id, set()).add((subject, version))
        self._schema_by_id.setdefault(schema_id, text)
        if sv.identity:
            self._id_by_identity.setdefault(sv.identity, schema_id)
        self._max_id = max(self._max_id, schema_id)

    # ------------------------------------------------------------------------------------------- reads
    def subjects(self, include_deleted: bool = False) -> list[str]:
        return sorted(s for s, vs in self._subjects.items() if include_deleted or self._live(vs))

    @staticmethod
    def _live(versions: dict[int, SchemaVersion]) -> list[SchemaVersion]:
        return [versions[v] for v in sorted(versions) if not versions[v].deleted]

    def _versions_of(self, subject: str, include_deleted: bool) -> list[SchemaVersion]:
        versions = self._subjects.get(subject, {})
        found = [versions[v] for v in sorted(versions)] if include_deleted else self._live(versions)
        if not found:
            raise subject_not_found(subject)
        return found

    def versions(self, subject: str, include_deleted: bool = False) -> list[int]:
        return [sv.version for sv in self._versions_of(subject, include_deleted)]

    def get_version(
        self, subject: str, version: int | str = LATEST, include_deleted: bool = False
    ) -> SchemaVersion:
        """One version of a subject; ``version`` is a number or ``"latest"``."""
        found = self._versions_of(subject, include_deleted)
        if version == LATEST:
            return found[-1]
        for sv in found:
            if sv.version == version:
                return sv
        raise RegistryError(404, 40402, f"Version {version} not found.")

    def lookup(self, subject: str, schema: str, include_deleted: bool = False) -> SchemaVersion:
        """The version of ``subject`` holding a schema identical to ``schema`` (40401 / 40403 if none)."""
        try:
            identity = parse_schema(schema).identity
        except InvalidSchemaError as exc:
            raise invalid_schema(exc) from None
        for sv in self._versions_of(subject, include_deleted):
            if sv.identity == identity:
                return sv
        raise schema_not_found()

    def schema_by_id(self, schema_id: int) -> str:
        if schema_id not in self._schema_by_id:
            raise schema_not_found(schema_id)
        return self._schema_by_id[schema_id]

    def subject_versions_for_id(self, schema_id: int, include_deleted: bool = False) -> list[tuple[str, int]]:
        self.schema_by_id(schema_id)
        return sorted(
            (s, v)
            for s, v in self._refs.get(schema_id, set())
            if include_deleted or not self._subjects[s][v].deleted
        )

    def compatibility_level(self, subject: str | None = None) -> CompatibilityLevel:
        """The effective level: the subject's own, else the global one, else BACKWARD."""
        level = self._subject_levels.get(subject) if subject is not None else None
        return level or self._global_level or DEFAULT_LEVEL

    def subject_compatibility_level(self, subject: str) -> CompatibilityLevel | None:
        return self._subject_levels.get(subject)

    def test_compatibility(
        self, subject: str, schema: str, version: int | str | None = LATEST
    ) -> CompatibilityResult:
        """Check ``schema`` against one version, or (``None``) every version the subject's level asks for."""
        try:
            parse_schema(schema)
            if version is None:
                previous = self._live(self._subjects.get(subject, {}))
            elif version == LATEST and self.compatibility_level(subject).transitive:
                previous = self._versions_of(subject, False)
            else:
                previous = [self.get_version(subject, version)]
            return check_compatibility(
                self.compatibility_level(subject),
                schema,
                [sv.schema for sv in previous],
                [sv.version for sv in previous],
            )
        except InvalidSchemaError as exc:
            raise invalid_schema(exc) from None
