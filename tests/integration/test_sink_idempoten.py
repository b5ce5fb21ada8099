"""The ClickHouse sink's batch write (``ClickHouseSink.tulis``) on real chdb: idempotent, newest value wins,
snapshots zero what they no longer hold. Messages are built directly, so no Kafka is involved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from satudata.settings import Settings
from satudata.warehouse.client import Gudang
from streams.agregat import KunciHarian
from streams.pesan import APPLIED, DEAD_LETTERED, CatatanEvent, PesanStatistik, versi
from streams.sink import ClickHouseSink

pytestmark = pytest.mark.integration

TOPIK = "uji.penduduk.v1"
HARI = dt.date(2026, 7, 1).toordinal()
GEN = 1  # the aggregate generation of the batches below, unless a test says otherwise
TS_MS = 1_782_867_600_000  # 2026-07-01 01:00 UTC
ISLAM_L: KunciHarian = (("5272011001", "agama", "1", 1, 0), HARI)
ISLAM_P: KunciHarian = (("5272011001", "agama", "1", 2, 0), HARI)
KRISTEN_L: KunciHarian = (("5272011001", "agama", "2", 1, 0), HARI)
BELUM_P: KunciHarian = (("5272041005", "agama", "", 2, 0), HARI)
LAHIR_L: KunciHarian = (("5272011001", "umur", "1", 1, dt.date(1950, 2, 28).toordinal()), HARI + 3)
Baris = dict[tuple[int, KunciHarian], tuple[int, int]]  # (partition, (group, day)) → (jumlah, versi)


@pytest.fixture
def gudang(chdb_path: Path, unique: str, tmp_path: Path) -> Gudang:
    """A migrated database of its own on the shared chdb engine (the sink needs no broker here)."""
    settings = Settings(
        data_dir=tmp_path, clickhouse_dsn=f"chdb://{chdb_path}", clickhouse_database=f"t_{unique}"
    )
    gudang = Gudang(settings)
    assert "0003_agregat_harian" in gudang.migrate()
    assert gudang.migrate() == []  # applied once
    return gudang


@pytest.fixture
def sink(gudang: Gudang) -> ClickHouseSink:
    return ClickHouseSink(gudang.settings, gudang, "uji.statistik-penduduk")


def catatan(offset: int, hasil: str = APPLIED, alasan: str = "", berubah: bool = True) -> CatatanEvent:
    return CatatanEvent(offset, hasil, alasan, berubah, "5272011001", TS_MS + offset, TS_MS + offset + 50)


def batch(
    partisi: int,
    offset: int,
    grup: dict[KunciHarian, int],
    ledger: list[CatatanEvent] | None = None,
    generasi: int = GEN,
) -> PesanStatistik:
    return PesanStatistik(
        "b", "penduduk", TOPIK, partisi, offset, generasi, dict(grup), [], ledger or [catatan(offset)]
    )


def snapshot(
    partisi: int, offset: int, grup: dict[KunciHarian, int], generasi: int = GEN
) -> list[PesanStatistik]:
    """A whole snapshot: its chunks (here one) and the end marker."""
    return [
        PesanStatistik("s", "penduduk", TOPIK, partisi, offset, generasi, dict(grup)),
        PesanStatistik("S", "penduduk", TOPIK, partisi, offset, generasi),
    ]


def agregat(gudang: Gudang) -> Baris:
    rows = gudang.query_sync(
        "SELECT sumber_partisi, kode_kelurahan, kategori, kode, jenis_kelamin, jumlah, versi, kode_kecamatan, "
        "kode_kota, tanggal_lahir, tanggal FROM {db}.agregat_harian FINAL WHERE sumber_topik = {t:String}",
        {"t": TOPIK},
    )
    out: Baris = {}
    for r in rows:
        assert (r[7], r[8]) == (r[1][:6], r[1][:4])
        lahir = 0 if r[9] == dt.date(1900, 1, 1) else r[9].toordinal()
        out[(int(r[0]), ((r[1], r[2], r[3], int(r[4]), lahir), r[10].toordinal()))] = (int(r[5]), int(r[6]))
    return out


def total(gudang: Gudang, kunci: KunciHarian) -> int:
    """What the statistics API reads: the sum over source partitions of the newest values."""
    grup = kunci[0]
    rows = gudang.query_sync(
        "SELECT toInt64(sum(jumlah)) FROM {db}.agregat_harian FINAL WHERE kode_kelurahan = {kel:String} "
        "AND kategori = {k:String} AND kode = {kode:String} AND jenis_kelamin = {jk:UInt8}",
        {"kel": grup[0], "k": grup[1], "kode": grup[2], "jk": grup[3]},
    )
    return int(rows[0][0])


def ledger(gudang: Gudang) -> list[tuple[int, int, str, str, int]]:
    rows = gudang.query_sync(
        "SELECT partisi, offset_, hasil, alasan, berubah FROM {db}.event_ledger FINAL "
        "WHERE topik = {t:String} ORDER BY partisi, offset_",
        {"t": TOPIK},
    )
    return [(int(r[0]), int(r[1]), str(r[2]), str(r[3]), int(r[4])) for r in rows]


async def test_writing_the_same_batch_twice_changes_nothing(sink: ClickHouseSink, gudang: Gudang) -> None:
    pesan = batch(
        0,
        10,
        {ISLAM_L: 5, ISLAM_P: 3},
        [catatan(8), catatan(9, DEAD_LETTERED, "kode-di-luar-daftar", berubah=False), catatan(10)],
    )
    await sink.tulis([pesan])
    v10 = versi(GEN, 10)
    sekali = agregat(gudang), ledger(gudang)
    assert sekali == (
        {(0, ISLAM_L): (5, v10), (0, ISLAM_P): (3, v10)},
        [
            (0, 8, "applied", "", 1),
            (0, 9, "dead_lettered", "kode-di-luar-daftar", 0),
            (0, 10, "applied", "", 1),
        ],
    )
    await sink.tulis([pesan])
    await sink.tulis([pesan, pesan])
    assert (agregat(gudang), ledger(gudang)) == sekali
    assert total(gudang, ISLAM_L) == 5


async def test_a_replay_seen_as_no_ops_keeps_the_applied_ledger_entries(
    sink: ClickHouseSink, gudang: Gudang
) -> None:
    await sink.tulis([batch(0, 4, {ISLAM_L: 1}, [catatan(4)])])
    await sink.tulis([batch(0, 4, {}, [catatan(4, berubah=False)])])  # redelivered: now a stale no-op
    assert ledger(gudang) == [(0, 4, "applied", "", 1)]
    assert total(gudang, ISLAM_L) == 1


async def test_an_older_batch_written_after_a_newer_one_does_not_override_it(
    sink: ClickHouseSink, gudang: Gudang
) -> None:
    await sink.tulis([batch(0, 20, {ISLAM_L: 7})])
    await sink.tulis([batch(0, 10, {ISLAM_L: 5, KRISTEN_L: 1})])
    assert agregat(gudang) == {
        (0, ISLAM_L): (7, versi(GEN, 20)),
        (0, KRISTEN_L): (1, versi(GEN, 10)),  # nothing newer for this group
    }
    assert [e[1] for e in ledger(gudang)] == [10, 20]  # both batches' events are in the ledger


async def test_within_one_call_the_newest_value_of_a_group_wins(sink: ClickHouseSink, gudang: Gudang) -> None:
    await sink.tulis([batch(0, 30, {ISLAM_L: 9}), batch(0, 25, {ISLAM_L: 8}), batch(1, 3, {ISLAM_L: 2})])
    assert agregat(gudang) == {(0, ISLAM_L): (9, versi(GEN, 30)), (1, ISLAM_L): (2, versi(GEN, 3))}
    assert total(gudang, ISLAM_L) == 11


async def test_a_snapshot_of_a_new_generation_zeroes_what_it_no_longer_holds_in_its_partition_only(
    sink: ClickHouseSink, gudang: Gudang
) -> None:
    await sink.tulis([batch(0, 10, {ISLAM_L: 5, ISLAM_P: 3, BELUM_P: 1, LAHIR_L: 1})])
    await sink.tulis([batch(1, 12, {ISLAM_L: 4, ISLAM_P: 2})])
    await sink.tulis(snapshot(0, 15, {ISLAM_L: 6}, generasi=GEN + 1))
    v15 = versi(GEN + 1, 15)
    assert agregat(gudang) == {
        (0, ISLAM_L): (6, v15),
        (0, ISLAM_P): (0, v15),
        (0, BELUM_P): (0, v15),
        (0, LAHIR_L): (0, v15),
        (1, ISLAM_L): (4, versi(GEN, 12)),
        (1, ISLAM_P): (2, versi(GEN, 12)),
    }
    assert (total(gudang, ISLAM_L), total(gudang, ISLAM_P), total(gudang, BELUM_P)) == (10, 2, 0)
    assert [e[:2] for e in ledger(gudang)] == [(0, 10), (1, 12)]  # snapshots carry no ledger

    await sink.tulis(snapshot(0, 15, {ISLAM_L: 6}, generasi=GEN + 1))  # redelivered: changes nothing
    assert total(gudang, ISLAM_L) == 10 and total(gudang, ISLAM_P) == 2


async def test_a_snapshot_chunk_written_in_another_call_than_its_end_marker(
    sink: ClickHouseSink, gudang: Gudang
) -> None:
    await sink.tulis([batch(2, 3, {KRISTEN_L: 1, ISLAM_L: 1})])
    potongan, akhir = snapshot(2, 4, {ISLAM_P: 2}, generasi=GEN + 1)
    await sink.tulis([potongan])
    await sink.tulis([akhir, batch(2, 5, {ISLAM_L: 3}, generasi=GEN + 1)])
    assert agregat(gudang) == {
        (2, KRISTEN_L): (0, versi(GEN + 1, 4)),
        (2, ISLAM_P): (2, versi(GEN + 1, 4)),
        (2, ISLAM_L): (3, versi(GEN + 1, 5)),
    }


async def test_a_snapshot_zeroes_older_generation_groups_written_earlier_in_the_same_call(
    sink: ClickHouseSink, gudang: Gudang
) -> None:
    await sink.tulis(
        [batch(2, 3, {KRISTEN_L: 1}), *snapshot(2, 4, {ISLAM_P: 2}, generasi=GEN + 1),
         batch(2, 5, {ISLAM_L: 1}, generasi=GEN + 1)]
    )  # fmt: skip
    assert agregat(gudang) == {
        (2, KRISTEN_L): (0, versi(GEN + 1, 4)),
        (2, ISLAM_P): (2, versi(GEN + 1, 4)),
        (2, ISLAM_L): (1, versi(GEN + 1, 5)),
    }


async def test_a_newer_generation_wins_over_higher_offsets_of_an_older_one(
    sink: ClickHouseSink, gudang: Gudang
) -> None:
    """After a crash the rebuilt snapshot (new generation) may reflect fewer offsets than values the dead
    worker already wrote; it still supersedes all of them, and late values of the old generation lose."""
    await sink.tulis([batch(0, 900, {ISLAM_L: 5, KRISTEN_L: 1})])
    await sink.tulis(snapshot(0, 10, {ISLAM_L: 4}, generasi=GEN + 1))
    await sink.tulis([batch(0, 950, {ISLAM_L: 7})])  # delayed value of the old generation
    assert agregat(gudang) == {
        (0, ISLAM_L): (4, versi(GEN + 1, 10)),
        (0, KRISTEN_L): (0, versi(GEN + 1, 10)),
    }
    await sink.tulis([batch(0, 11, {KRISTEN_L: 2}, generasi=GEN + 1)])
    assert total(gudang, KRISTEN_L) == 2 and total(gudang, ISLAM_L) == 4


async def test_version_rows_are_pseudonymised_and_idempotent(sink: ClickHouseSink, gudang: Gudang) -> None:
    from satudata.citra import Pseudonim, padat

    citra = padat(
        "penduduk",
        {"nik": "5272014101900001", "nama": "SITI", "no_kk": "5272010101200001", "sex": 2, "status_dasar": 1,
         "tanggallahir": dt.date(1990, 1, 1), "akta_lahir": "AL-1", "suku": " mbojo "},
        Pseudonim(b"kunci"),
    )  # fmt: skip
    pesan = batch(0, 7, {ISLAM_P: 1})
    pesan.versi = [
        ["5272011001", 42, 7, HARI, HARI + 1, 3, citra],
        ["5272011001", 43, 8, HARI, HARI, 1, None],
    ]
    await sink.tulis([pesan])
    await sink.tulis([pesan])
    rows = gudang.query_sync(
        "SELECT id, sumber_offset, berlaku, dilaporkan, versi_sumber, dihapus, nik_hmac, akta_lahir, suku, "
        "kode_kecamatan FROM {db}.penduduk_versi FINAL ORDER BY id"
    )
    assert [r[:6] for r in rows] == [
        (42, 7, dt.date(2026, 7, 1), dt.date(2026, 7, 2), 3, 0),
        (43, 8, dt.date(2026, 7, 1), dt.date(2026, 7, 1), 1, 1),
    ]
    nik_hmac = rows[0][6]
    assert len(nik_hmac) == 32 and "5272014101900001" not in nik_hmac
    assert rows[0][7:] == (1, "MBOJO", "527201")
    columns = {
        r[0] for r in gudang.query_sync("SELECT name FROM system.columns WHERE table = 'penduduk_versi'")
    }
    assert not columns & {"nik", "nama", "no_kk", "alamat_sekarang", "tempatlahir"}
