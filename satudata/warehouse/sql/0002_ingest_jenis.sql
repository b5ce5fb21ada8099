-- The record type (jenis) of each ingest_log row; rows written before record types existed are residents.
ALTER TABLE {db}.ingest_log ADD COLUMN IF NOT EXISTS jenis LowCardinality(String) DEFAULT 'penduduk';
