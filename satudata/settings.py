"""Typed settings for every hub process, read from ``SATUDATA_*`` environment variables.

Settings are built by :func:`get_settings` (or directly, in tests) — never at import time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration of the hub (API, Faust worker, simulator, local Kafka)."""

    model_config = SettingsConfigDict(env_prefix="SATUDATA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=PROJECT_ROOT / ".data", description="Where local data lives.")
    kafka_bootstrap_servers: str | None = Field(
        default=None,
        validation_alias="KAFKA_BOOTSTRAP_SERVERS",
        description="Use this broker instead of starting a local one.",
    )
    kafka_port: int = Field(default=19092, description="Port of the local broker (local mode).")
    kafka_heap: str = "512m"
    topic_prefix: str = Field(default="simatik", description="Prefix of the source topics.")
    topic_partitions: Annotated[int, Field(ge=1)] = 6
    clickhouse_dsn: str = Field(
        default="",
        description="clickhouse-connect DSN; empty = chdb:///<data_dir>/clickhouse (embedded engine).",
    )
    clickhouse_database: str = "satudata"
    schema_registry_url: str = Field(default="", description="Empty = the hub's own registry on the API.")
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    faust_app_id: str = "satudata-hub"
    faust_web_host: str = Field(
        default="127.0.0.1",
        description="Address the worker's web server (/metrics) binds; 0.0.0.0 in Docker.",
    )
    faust_web_port: int = 6066
    sink_metrics_host: str = Field(
        default="127.0.0.1",
        description="Address of the standalone sink's /metrics server; 0.0.0.0 in Docker.",
    )
    sink_metrics_port: int = Field(default=6067, description="Port of the standalone sink's /metrics server.")
    sink_flush_interval: float = Field(default=0.25, description="Longest wait of the sink for a batch (s).")
    batch_maks: int = Field(default=2000, description="Most events the worker handles in one batch.")
    batch_tunggu: float = Field(default=0.1, description="Longest wait of the worker to fill a batch (s).")
    tanggal_acuan: dt.date | None = Field(
        default=None, description="Default date statistics are asked for (ages too); empty = today in WITA."
    )
    pseudonym_key: SecretStr = Field(
        default=SecretStr("ganti-kunci-ini-di-produksi"), description="HMAC key for pseudonyms."
    )
    ingest_max_batch: int = 5000
    log_level: str = Field(default="warning", description="Log level of the worker (debug, info, warning…).")

    @field_validator("topic_prefix")
    @classmethod
    def _prefix_is_topic_safe(cls, value: str) -> str:
        if not value or not all(c.isalnum() or c in "._-" for c in value):
            raise ValueError("topic_prefix may only contain letters, digits, '.', '_' and '-'")
        return value

    @property
    def clickhouse_url(self) -> str:
        return self.clickhouse_dsn or f"chdb://{(self.data_dir / 'clickhouse').resolve()}"

    @property
    def bootstrap_servers(self) -> str:
        return self.kafka_bootstrap_servers or f"127.0.0.1:{self.kafka_port}"

    @property
    def registry_url(self) -> str:
        return self.schema_registry_url or f"http://{self.api_host}:{self.api_port}/registry"

    @property
    def api_url(self) -> str:
        return f"http://{self.api_host}:{self.api_port}"

    def topic(self, name: str) -> str:
        """Full topic name for a hub topic, e.g. ``topic('penduduk.v1')`` → ``simatik.penduduk.v1``."""
        return f"{self.topic_prefix}.{name}"


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides (used by the CLI and tests)."""
    return Settings(**overrides)  # type: ignore[arg-type]
