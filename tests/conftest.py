"""Test harness: one real Kafka broker and one chdb engine per test run; fresh topics and database per test.

The broker is started here (Maven jars, ``java -cp``) unless ``KAFKA_BOOTSTRAP_SERVERS`` names one. Nothing is
skipped for a missing service: if Kafka cannot start, the tests that need it fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from satudata.kafka.broker import KafkaBroker, free_port
from satudata.settings import Settings


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield external
        return
    broker = KafkaBroker(tmp_path_factory.mktemp("kafka"), free_port(), heap="512m")
    broker.start()
    try:
        yield broker.bootstrap
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def chdb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """chdb allows one engine path per process, so tests share the path and get a database each."""
    return tmp_path_factory.mktemp("chdb")


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture
def settings(kafka_bootstrap: str, chdb_path: Path, tmp_path: Path, unique: str) -> Settings:
    """Settings with this test's own topic prefix, Faust app id and ClickHouse database."""
    return Settings(
        data_dir=tmp_path,
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
        topic_prefix=f"t{unique}",
        topic_partitions=4,
        clickhouse_dsn=f"chdb://{chdb_path}",
        clickhouse_database=f"t_{unique}",
        faust_app_id=f"satudata-{unique}",
        faust_web_port=free_port(),
        api_port=free_port(),
    )
