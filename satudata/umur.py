"""Age in whole years at a reference date, and age-band sets (lookup tables in ``data/rentang_umur.json``).

The same rules run in Python (:func:`umur`, :func:`rentang_untuk`) and in ClickHouse (:func:`sql_umur`,
:func:`sql_rentang`), so a band computed by the stream and one computed by a query for another reference date
always agree (DOMAIN.md §3: store the birth date, compute bands per reference date).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RENTANG_JSON = Path(__file__).parent / "data" / "rentang_umur.json"


@dataclass(frozen=True, slots=True)
class Rentang:
    label: str
    dari: int
    sampai: int | None  # inclusive; None = open-ended


@dataclass(frozen=True, slots=True)
class SetRentang:
    """One band set of ``rentang_umur.json``: its bands in order, a title and where it comes from."""

    nama: str
    judul: str
    sumber: str
    rentang: tuple[Rentang, ...]


def _muat_set(nama: str, raw: dict[str, Any]) -> SetRentang:
    rentang = tuple(Rentang(str(r["label"]), int(r["dari"]), r["sampai"]) for r in raw["rentang"])
    for r in rentang:
        if r.dari < 0 or (r.sampai is not None and (not isinstance(r.sampai, int) or r.sampai < r.dari)):
            raise ValueError(f"age band {r} of set {nama!r} is not a range of whole years")
    for a, b in itertools.pairwise(rentang):
        if a.sampai is None or b.dari <= a.sampai:
            raise ValueError(
                f"age bands {a.label!r} and {b.label!r} of set {nama!r} overlap or are out of order"
            )
    if len({r.label for r in rentang}) != len(rentang):
        raise ValueError(f"age band set {nama!r} repeats a label")
    return SetRentang(nama, str(raw["judul"]), str(raw["sumber"]), rentang)


def muat_rentang(path: Path = RENTANG_JSON) -> tuple[str, dict[str, SetRentang]]:
    """(default set name, every set) from a ``rentang_umur.json``-shaped file; raises ``ValueError`` if bad."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    semua = {nama: _muat_set(nama, s) for nama, s in raw["set"].items()}
    if raw["bawaan"] not in semua:
        raise ValueError(f"default age band set {raw['bawaan']!r} is not in {path.name}")
    return raw["bawaan"], semua


RENTANG_BAWAAN, SET_RENTANG = muat_rentang()
RENTANG: dict[str, tuple[Rentang, ...]] = {nama: s.rentang for nama, s in SET_RENTANG.items()}

# BPS standard 5-year groups, 0-4 … 70-74, 75+ (DOMAIN.md §3); the default.
BPS_5_TAHUN: tuple[Rentang, ...] = RENTANG["bps-5-tahun"]


def rentang_set(nama: str) -> tuple[Rentang, ...]:
    """The bands of set ``nama`` (``bps-5-tahun``, ``opensid-rentang``, ``opensid-kategori``, ``opendk``)."""
    try:
        return RENTANG[nama]
    except KeyError:
        pilihan = ", ".join(sorted(RENTANG))
        raise KeyError(f"set rentang umur {nama!r} tidak dikenal; pilihan: {pilihan}") from None


def umur(lahir: dt.date, acuan: dt.date) -> int:
    """Whole years between ``lahir`` and ``acuan`` (birthday counts on the day; 29 Feb → 1 Mar)."""
    return acuan.year - lahir.year - ((acuan.month, acuan.day) < (lahir.month, lahir.day))


def label_umur(tahun: int, rentang: tuple[Rentang, ...] = BPS_5_TAHUN) -> str | None:
    """Label of the band holding an age of ``tahun`` whole years; None when no band does."""
    for r in rentang:
        if r.dari <= tahun and (r.sampai is None or tahun <= r.sampai):
            return r.label
    return None


def rentang_untuk(
    lahir: dt.date | None, acuan: dt.date, rentang: tuple[Rentang, ...] = BPS_5_TAHUN
) -> str | None:
    """Label of the band holding the age at ``acuan``; None when unknown or born after ``acuan``."""
    if lahir is None or lahir > acuan:
        return None
    return label_umur(umur(lahir, acuan), rentang)


# -- the same rules as ClickHouse SQL --


def sql_umur(lahir_sql: str, acuan_sql: str) -> str:
    """ClickHouse expression (Int32) for :func:`umur` of two ``Date``/``Date32`` expressions.

    Exact like the Python rule, 29 February included: month and day are compared as ``month*100+day``, so a
    29 Feb birthday is reached on 1 March in a common year. Negative when ``lahir`` is after ``acuan``.
    """
    lh, ac = f"({lahir_sql})", f"({acuan_sql})"
    return (
        f"toInt32(toYear({ac}) - toYear({lh}) - "
        f"((toMonth({ac}) * 100 + toDayOfMonth({ac})) < (toMonth({lh}) * 100 + toDayOfMonth({lh}))))"
    )


def _teks_sql(teks: str) -> str:
    return "'" + teks.replace("\\", "\\\\").replace("'", "\\'") + "'"


def sql_rentang(nama: str, umur_sql: str) -> str:
    """ClickHouse expression (String) mapping an integer age expression to the band label of set ``nama``.

    ``''`` when no band holds the age (a negative age, or one past a closed last band), like ``None`` from
    :func:`label_umur`. Combine with :func:`sql_umur`: ``sql_rentang("opendk", sql_umur("lahir", "today()"))``.

    The bands are sorted and disjoint (checked when loaded), so the band is found by counting the lower bounds
    at or below the age and checking its upper bound — a vectorised array lookup, several times faster than a
    ``multiIf`` over the bands (whose short-circuit evaluation costs a pass per band).
    """
    bands = rentang_set(nama)
    if not bands:
        return "''"
    u = f"({umur_sql})"
    dari = ", ".join(str(r.dari) for r in bands)
    sampai = ", ".join(str(2**31 - 1 if r.sampai is None else r.sampai) for r in bands)
    label = ", ".join(_teks_sql(r.label) for r in bands)
    i = f"arrayCount(b -> b <= {u}, [{dari}])"
    return f"if({i} = 0 OR {u} > [{sampai}][greatest({i}, 1)], '', [{label}][greatest({i}, 1)])"
