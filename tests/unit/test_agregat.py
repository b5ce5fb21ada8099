"""Retract/add aggregation equals an independent recount, whatever the order of changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from satudata.statistik import CitraStatistik, Grup
from streams.agregat import AgregatPartisi
from tests.recount import recount

ACUAN = dt.date(2026, 6, 30)
KELURAHAN = ["5272011001", "5272021021", "5272031006", "5272041011", "5272051010"]

citra = st.builds(
    CitraStatistik,
    kode_kelurahan=st.sampled_from(KELURAHAN),
    status_dasar=st.sampled_from([1, 1, 1, 2, 3, 4, 6, 9]),
    sex=st.sampled_from([1, 2, None]),
    tanggallahir=st.one_of(st.none(), st.dates(dt.date(1920, 1, 1), dt.date(2026, 12, 31))),
    agama_id=st.sampled_from([1, 2, 7, None]),
    pendidikan_kk_id=st.sampled_from([1, 5, 10, None]),
    pekerjaan_id=st.sampled_from([1, 9, 89, None]),
    status_kawin=st.sampled_from([1, 2, 4, None]),
)
# A change: record index and its new image (None = deleted).
perubahan = st.lists(st.tuples(st.integers(0, 15), st.one_of(st.none(), citra)), max_size=80)


def recount_states(states: dict[int, CitraStatistik | None]) -> Counter[Grup]:
    return recount((dataclasses.asdict(c) if c else None for c in states.values()), ACUAN)


@settings(max_examples=300, deadline=None)
@given(perubahan)
def test_incremental_equals_recount(changes: list[tuple[int, CitraStatistik | None]]) -> None:
    agr = AgregatPartisi(ACUAN)
    states: dict[int, CitraStatistik | None] = {}
    for offset, (rec, baru) in enumerate(changes):
        berubah = agr.terapkan(states.get(rec), baru, offset)
        states[rec] = baru
        for g, n in berubah.items():
            assert agr.jumlah[g] == n
    nonzero = {g: n for g, n in agr.jumlah.items() if n}
    assert nonzero == dict(recount_states(states))
    assert all(n >= 0 for n in agr.jumlah.values())


@given(st.lists(st.one_of(st.none(), citra), max_size=40))
def test_rebuild_from_table_equals_incremental(images: list[CitraStatistik | None]) -> None:
    agr = AgregatPartisi(ACUAN)
    for i, c in enumerate(images):
        agr.terapkan(None, c, i)
    values = [[1, i, 0, c.ke_list() if c else None] for i, c in enumerate(images)]
    rebuilt = AgregatPartisi.bangun(values, ACUAN)
    assert {g: n for g, n in rebuilt.jumlah.items() if n} == {g: n for g, n in agr.jumlah.items() if n}
    assert rebuilt.offset_terakhir == len(images) - 1


def test_move_across_kecamatan_retracts_old_and_adds_new() -> None:
    lama = CitraStatistik("5272011001", 1, 2, dt.date(1990, 5, 1), 1, 5, 9, 2)
    baru = CitraStatistik("5272051010", 1, 2, dt.date(1990, 5, 1), 1, 5, 9, 2)
    agr = AgregatPartisi(ACUAN)
    agr.terapkan(None, lama, 0)
    berubah = agr.terapkan(lama, baru, 1)
    assert berubah[("5272011001", "agama", "1", 2)] == 0
    assert berubah[("5272051010", "agama", "1", 2)] == 1
    assert len(berubah) == 12


def test_death_removes_every_contribution() -> None:
    hidup = CitraStatistik("5272011001", 1, 1, dt.date(1950, 1, 1), 1, 3, 9, 2)
    mati = CitraStatistik("5272011001", 2, 1, dt.date(1950, 1, 1), 1, 3, 9, 2)
    agr = AgregatPartisi(ACUAN)
    agr.terapkan(None, hidup, 0)
    assert set(agr.terapkan(hidup, mati, 1).values()) == {0}
    assert agr.terapkan(mati, mati, 2) == {}


def test_unchanged_statistics_fields_emit_nothing() -> None:
    c = CitraStatistik("5272011001", 1, 1, dt.date(1950, 1, 1), 1, 3, 9, 2)
    agr = AgregatPartisi(ACUAN)
    agr.terapkan(None, c, 0)
    assert agr.terapkan(c, c, 1) == {}
