"""The Sektoral boards' suppression in SQL (:func:`grafana.sektoral.sql_sel`) against the API's
(:func:`satudata.sektoral.susun_sel`) on chdb: thousands of random count tables of every shipped indicator's
shape (and of a few made-up ones), with each sector's threshold and with other thresholds, must give the same
cells, the same values and the same cells hidden for the same reason."""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from grafana.kueri import literal
from grafana.sektoral import SEMUA, sql_persen, sql_sel
from satudata.sektoral import (
    KODE_BELUM_MENGISI,
    KODE_TOTAL,
    Indikator,
    Sektor,
    baris_kode,
    sektor_bawaan,
    susun_sel,
)
from satudata.settings import Settings
from satudata.warehouse.client import Gudang
from tests.unit.contoh_sektoral import ind, satu

Hitungan = list[tuple[str, int, int, int]]
Cell = tuple[str, str | None, Any, Any, Any, bool, str | None]


@pytest.fixture
def gudang(chdb_path: Path, unique: str, tmp_path: Path) -> Gudang:
    return Gudang(
        Settings(data_dir=tmp_path, clickhouse_dsn=f"chdb://{chdb_path}", clickhouse_database=f"t_{unique}")
    )


def acak(rng: random.Random, i: Indikator) -> Hitungan:
    """Random ``(kode, jenis_kelamin, pembilang, pembagi)`` rows: many small cells, some zeros, sometimes a
    code off the indicator's row list (a row of its own, as in ``susun_sel``)."""
    kode = [k for k, _ in baris_kode(i)] if i.rincian.kolom is not None else [""]
    if i.rincian.kolom is not None and rng.random() < 0.15:
        kode.append(rng.choice(["", "999"]) if "" not in kode else "999")
    besar = rng.choice([3, 8, 14, 40])
    out: Hitungan = []
    for k in kode:
        for jk in (1, 2, 0):
            if rng.random() < (0.5 if jk == 0 else 0.25):
                continue
            b = rng.randint(0, besar)
            a = rng.randint(0, b) if i.persen else rng.choice([0, b, rng.randint(0, besar)])
            out.append((k, jk, a, b if i.persen else 0))
    return out


def sql_kasus(kasus: Sequence[Hitungan]) -> str:
    baris = [f"({n}, '', 0, 0, 0, 0)" for n in range(len(kasus))]  # every case, even an empty one
    baris += [f"({n}, {literal(k)}, {j}, {a}, {b}, 1)" for n, h in enumerate(kasus) for k, j, a, b in h]
    return (
        "SELECT kasus, groupArrayIf(kode, ada) AS dk, groupArrayIf(jk, ada) AS dj, groupArrayIf(a, ada) AS da, "
        "groupArrayIf(b, ada) AS dp FROM VALUES('kasus UInt32, kode String, jk UInt8, a Int64, b Int64, ada UInt8', "
        f"{', '.join(baris)}) GROUP BY kasus"
    )


def sel_sql(i: Indikator, row: Sequence[Any]) -> list[Cell]:
    """The cells of one result row of :func:`sql_sel`, in the API's order."""
    bk, nb, jk, m, a, b, pr = row
    out: list[Cell] = []
    for r in range(1, nb + 1):
        kode = KODE_TOTAL if r == nb else (KODE_BELUM_MENGISI if bk[r - 1] == "" else bk[r - 1])
        for ci, c in enumerate(jk, start=1):
            if c == 0:
                continue
            x = (r - 1) * len(jk) + ci - 1
            label = {1: "L", 2: "P", SEMUA: None}[c]
            if m[x]:
                out.append((kode, label, None, None, None, True, "sel-kecil" if m[x] == 1 else "pelengkap"))
            elif i.persen:
                nilai = None if math.isnan(pr[x]) else pr[x]
                out.append((kode, label, nilai, a[x], b[x], False, None))
            else:
                out.append((kode, label, a[x], None, None, False, None))
    return out


async def bandingkan(gudang: Gudang, s: Sektor, i: Indikator, kasus: list[Hitungan]) -> int:
    sql = f"SELECT bk, nb, jk, m, a, b, pr FROM ({sql_sel(i, s, sql_kasus(kasus))}) ORDER BY kasus"
    rows = await gudang.query(sql)
    assert len(rows) == len(kasus)
    tersembunyi = 0
    for h, row in zip(kasus, rows, strict=True):
        api = [
            (x.kode, x.jenis_kelamin, x.nilai, x.pembilang, x.pembagi, x.disembunyikan, x.alasan)
            for x in susun_sel(i, h, s.sembunyikan_di_bawah, s.sembunyikan_pelengkap)
        ]
        assert sel_sql(i, row) == api, (s.sektor, s.sembunyikan_di_bawah, i.kode, h)
        tersembunyi += sum(1 for x in api if x[6] == "pelengkap")
    return tersembunyi


BUATAN = [  # shapes the shipped sectors lack: a code breakdown of a percentage by sex; codes off the list
    satu(
        ind(
            "persen-kode",
            satuan="persen",
            pembagi={},
            syarat={"hamil": 1},
            rincian=["jenis_kelamin", "agama_id"],
        )
    ),
    satu(ind("terisi", syarat={"cacat_id": {"kosong": False}}, rincian=["jenis_kelamin", "cacat_id"])),
]


@pytest.mark.parametrize("sektor", [*sektor_bawaan(), "buatan"])
async def test_suppression_in_sql_equals_susun_sel(gudang: Gudang, sektor: str) -> None:
    rng = random.Random(sektor)
    bawaan = sektor_bawaan()
    s = bawaan.get(sektor) or dataclasses.replace(
        bawaan["dukcapil"], sektor="buatan", indikator=tuple(BUATAN)
    )
    pelengkap = 0
    lain: list[dict[str, Any]] = [
        {"sembunyikan_di_bawah": 3},
        {"sembunyikan_pelengkap": False},
        {"sembunyikan_di_bawah": 0},
    ]
    varian = [s, *(dataclasses.replace(s, **kw) for kw in lain)]
    for v in varian:
        for i in s.indikator:
            pelengkap += await bandingkan(gudang, v, i, [acak(rng, i) for _ in range(60)])
    assert pelengkap > 50, "too few complementary cells: weak test"


@pytest.mark.parametrize(
    ("a", "b"), [(77, 4000), (11574, 40000), (74824, 160000), (1, 8), (1, 3), (2, 3), (0, 5), (7, 7), (0, 0)]
)
async def test_percentages_round_like_python(gudang: Gudang, a: int, b: int) -> None:
    """ClickHouse's round(x, 2) rounds x * 100 (1.925 → 1.92); Python rounds the double itself (→ 1.93)."""
    ((v,),) = await gudang.query(f"SELECT {sql_persen(f'toInt64({a})', f'toInt64({b})')}")
    assert (math.isnan(v) and b == 0) or v == round(100.0 * a / b, 2)
