"""Satu Data Kota Bima hub: the shared core (settings, wilayah, code lists, Avro, Kafka, ClickHouse, CLI)."""

__version__ = "0.1.0"
