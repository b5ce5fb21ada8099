"""ClickHouse access through clickhouse-connect: embedded chdb locally, an HTTP server in production."""
