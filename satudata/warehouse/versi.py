"""The ``<jenis>_versi`` tables: every version of every record, pseudonymised (one row per source offset).

Their columns are the record type's image columns of :mod:`satudata.citra`, so the DDL is generated from that
list: a column added there is added here by the next migration run (``ADD COLUMN IF NOT EXISTS``). Rows are
keyed by (kelurahan, id, source offset), so a re-sent version replaces itself. A record's state as of D is its
row with the greatest (berlaku, sumber_offset) among those with berlaku <= D.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from satudata.citra import CITRA, sebagai_dict

KOLOM_TETAP: tuple[tuple[str, str], ...] = (
    ("kode_kota", "LowCardinality(String)"),
    ("kode_kecamatan", "LowCardinality(String)"),
    ("kode_kelurahan", "LowCardinality(String)"),
    ("id", "Int64"),
    ("sumber_partisi", "UInt16"),
    ("sumber_offset", "UInt64"),
    ("berlaku", "Date32"),
    ("dilaporkan", "Date32"),
    ("versi_sumber", "UInt64"),
    ("dihapus", "UInt8"),
    ("diperbarui", "DateTime64(3, 'UTC')"),
)


def nama_tabel(jenis: str) -> str:
    return jenis.replace("-", "_") + "_versi"


def kolom(jenis: str) -> list[str]:
    return [k for k, _ in KOLOM_TETAP] + [k.nama for k in CITRA[jenis]]


def ddl(jenis: str, db: str) -> list[str]:
    tabel = f"{db}.{nama_tabel(jenis)}"
    semua = [*KOLOM_TETAP, *((k.nama, k.tipe) for k in CITRA[jenis])]
    create = (
        f"CREATE TABLE IF NOT EXISTS {tabel} ("
        + ", ".join(f"{n} {t}" for n, t in KOLOM_TETAP)
        + ") ENGINE = ReplacingMergeTree ORDER BY (kode_kelurahan, id, sumber_offset)"
    )
    return [create] + [f"ALTER TABLE {tabel} ADD COLUMN IF NOT EXISTS {n} {t}" for n, t in semua]


def baris(jenis: str, v: list[Any], partisi: int, sekarang: dt.datetime) -> list[Any]:
    """Row of a version message entry ``[kel, id, offset, berlaku, lapor, version, citra | None]``."""
    kel, rid, offset, berlaku, lapor, versi_sumber, citra = v
    nilai = sebagai_dict(jenis, citra) if citra is not None else dict.fromkeys(k.nama for k in CITRA[jenis])
    for k in CITRA[jenis]:
        if nilai[k.nama] is None and k.tipe == "String":
            nilai[k.nama] = ""
    tetap = [
        kel[:4],
        kel[:6],
        kel,
        int(rid),
        partisi,
        int(offset),
        dt.date.fromordinal(berlaku),
        dt.date.fromordinal(lapor),
        int(versi_sumber),
        int(citra is None),
        sekarang,
    ]
    return tetap + [nilai[k.nama] for k in CITRA[jenis]]
