"""Faust stream processing: resident changes → validated, deduplicated aggregates → ClickHouse sink."""
