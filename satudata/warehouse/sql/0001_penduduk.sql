-- Living-resident aggregates: absolute counts per (group, source partition), written by the sink.
-- Idempotent: a redelivered value has the same version; read with FINAL and sum over partitions.
CREATE TABLE IF NOT EXISTS {db}.penduduk_agregat
(
    kategori        LowCardinality(String),
    kode_kota       LowCardinality(String),
    kode_kecamatan  LowCardinality(String),
    kode_kelurahan  LowCardinality(String),
    kode            String,
    jenis_kelamin   UInt8,
    sumber_topik    LowCardinality(String),
    sumber_partisi  UInt16,
    jumlah          Int64,
    versi           UInt64,
    tanggal_acuan   Date,
    diperbarui      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(versi)
ORDER BY (kategori, kode_kota, kode_kecamatan, kode_kelurahan, kode, jenis_kelamin, sumber_topik, sumber_partisi);

-- One row per source event and its outcome, so that in = applied + dead-lettered can be checked exactly.
CREATE TABLE IF NOT EXISTS {db}.event_ledger
(
    topik           LowCardinality(String),
    partisi         UInt16,
    offset_         UInt64,
    hasil           Enum8('applied' = 1, 'dead_lettered' = 2),
    alasan          LowCardinality(String),
    berubah         UInt8,
    kode_kelurahan  LowCardinality(String),
    ts_sumber       DateTime64(3, 'UTC'),
    ts_proses       DateTime64(3, 'UTC'),
    ts_tampil       DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(berubah)
ORDER BY (topik, partisi, offset_);

-- Records received by the ingest API, per batch, kelurahan and outcome ('' = accepted, else the reason code).
CREATE TABLE IF NOT EXISTS {db}.ingest_log
(
    batch_id        String,
    waktu           DateTime64(3, 'UTC'),
    kode_kelurahan  LowCardinality(String),
    alasan          LowCardinality(String),
    jumlah          UInt32
)
ENGINE = ReplacingMergeTree
ORDER BY (batch_id, kode_kelurahan, alasan);
