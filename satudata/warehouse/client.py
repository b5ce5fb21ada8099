"""ClickHouse client factory and versioned migrations (``sql/NNNN_name.sql``, applied once, in order).

The same DDL and queries run on the embedded engine (``chdb:///path``) and on a server (``http://host:8123``).
chdb allows one engine path per process and has no async client: async code calls :class:`Gudang` methods,
which run the sync client in one worker thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import clickhouse_connect

from satudata.citra import CITRA
from satudata.settings import Settings
from satudata.warehouse import versi

SQL_DIR = Path(__file__).parent / "sql"
_DB_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def connect(settings: Settings) -> Any:
    """A clickhouse-connect client for ``settings.clickhouse_url`` (no default database selected)."""
    url = settings.clickhouse_url
    if url.startswith("chdb://"):
        Path(url.removeprefix("chdb://")).mkdir(parents=True, exist_ok=True)
    return clickhouse_connect.get_client(dsn=url)


def migrations() -> list[tuple[int, str, str]]:
    out = []
    for path in sorted(SQL_DIR.glob("*.sql")):
        num = int(path.name.split("_", 1)[0])
        out.append((num, path.stem, path.read_text(encoding="utf-8")))
    return out


def _statements(sql: str) -> list[str]:
    body = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]


def migrate(client: Any, database: str) -> list[str]:
    """Create the database and apply pending migrations; returns the names applied now."""
    if not _DB_NAME.match(database):
        raise ValueError(f"invalid ClickHouse database name {database!r}")
    client.command(f"CREATE DATABASE IF NOT EXISTS {database}")
    client.command(
        f"CREATE TABLE IF NOT EXISTS {database}.schema_migrations "
        "(versi UInt32, nama String, diterapkan DateTime64(3, 'UTC') DEFAULT now64(3)) "
        "ENGINE = ReplacingMergeTree ORDER BY versi"
    )
    done = {r[0] for r in client.query(f"SELECT versi FROM {database}.schema_migrations FINAL").result_rows}
    applied = []
    for num, name, sql in migrations():
        if num in done:
            continue
        for stmt in _statements(sql):
            client.command(stmt.replace("{db}", database))
        client.insert(f"{database}.schema_migrations", [[num, name]], column_names=["versi", "nama"])
        applied.append(name)
    for jenis in CITRA:  # generated from the image column lists; idempotent, so run every time
        for stmt in versi.ddl(jenis, database):
            client.command(stmt)
    return applied


_SHARED: dict[str, tuple[concurrent.futures.ThreadPoolExecutor, Any]] = {}
_SHARED_LOCK = threading.Lock()


def _shared(settings: Settings) -> tuple[concurrent.futures.ThreadPoolExecutor, Any]:
    """One thread and one client per ClickHouse URL in this process (chdb has one engine per process)."""
    with _SHARED_LOCK:
        if settings.clickhouse_url not in _SHARED:
            pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="clickhouse")
            _SHARED[settings.clickhouse_url] = (pool, pool.submit(connect, settings).result())
        return _SHARED[settings.clickhouse_url]


class Gudang:
    """The hub's ClickHouse database, awaitable from async code; all access goes through one thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = settings.clickhouse_database
        if not _DB_NAME.match(self.db):
            raise ValueError(f"invalid ClickHouse database name {self.db!r}")
        self._pool, self.client = _shared(settings)

    def migrate(self) -> list[str]:
        return self._pool.submit(migrate, self.client, self.db).result()

    def _query(self, sql: str, parameters: dict[str, Any] | None) -> list[tuple[Any, ...]]:
        return list(self.client.query(sql.replace("{db}", self.db), parameters=parameters or {}).result_rows)

    def query_sync(self, sql: str, parameters: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self._pool.submit(self._query, sql, parameters).result()

    async def query(self, sql: str, parameters: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._query, sql, parameters)

    def _query_kolom(self, sql: str) -> tuple[list[str], list[str], list[tuple[Any, ...]]]:
        hasil = self.client.query(sql.replace("{db}", self.db))
        return list(hasil.column_names), [t.name for t in hasil.column_types], list(hasil.result_rows)

    async def query_kolom(self, sql: str) -> tuple[list[str], list[str], list[tuple[Any, ...]]]:
        """Column names, ClickHouse type names and rows of ``sql`` (for checking dashboard queries)."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._query_kolom, sql)

    def _insert(self, table: str, rows: Sequence[Sequence[Any]], columns: Sequence[str]) -> None:
        if rows:
            self.client.insert(f"{self.db}.{table}", list(rows), column_names=list(columns))

    async def insert(self, table: str, rows: Sequence[Sequence[Any]], columns: Sequence[str]) -> None:
        await asyncio.get_running_loop().run_in_executor(self._pool, self._insert, table, rows, columns)
