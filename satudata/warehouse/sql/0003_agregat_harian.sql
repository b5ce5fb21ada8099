-- Net change per (group, day) and source partition, absolute and versioned by (generation, offset), written by
-- the sink. A stock "as of D" is sum(jumlah) over tanggal <= D; read with FINAL and sum over partitions.
-- tanggal_lahir carries the birth date for age-dependent statistics (1900-01-01 otherwise): ages are
-- computed by the query for the date asked, never stored.
CREATE TABLE IF NOT EXISTS {db}.agregat_harian
(
    kategori        LowCardinality(String),
    kode_kota       LowCardinality(String),
    kode_kecamatan  LowCardinality(String),
    kode_kelurahan  LowCardinality(String),
    kode            String,
    jenis_kelamin   UInt8,
    tanggal_lahir   Date32,
    tanggal         Date32,
    sumber_topik    LowCardinality(String),
    sumber_partisi  UInt16,
    jumlah          Int64,
    versi           UInt64,
    diperbarui      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(versi)
ORDER BY (kategori, kode_kota, kode_kecamatan, kode_kelurahan, kode, jenis_kelamin, tanggal_lahir, tanggal,
          sumber_topik, sumber_partisi);

-- Superseded by agregat_harian (the stream rebuilds everything from Kafka).
DROP TABLE IF EXISTS {db}.penduduk_agregat;
