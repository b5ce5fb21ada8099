"""Sectoral indicators for the OPD (KAK C.4.b), defined in YAML, not code: one file per sector in
``data/sektoral/<sektor>.yaml``, validated on load and compiled to parameterised ClickHouse SQL over the record
states as of the date asked (:func:`satudata.warehouse.keadaan.sql_hidup`).

- :mod:`~satudata.sektoral.definisi`: the YAML format, the catalogue it is checked against, the parsed form;
- :mod:`~satudata.sektoral.muat`: loading and validating the files;
- :mod:`~satudata.sektoral.sql`: compiling an indicator to ClickHouse SQL;
- :mod:`~satudata.sektoral.sel`: the published cells and their small-cell suppression.
"""

from __future__ import annotations

import datetime as dt

from satudata.sektoral.definisi import (
    AMBANG_BAWAAN,
    Indikator,
    Kumpulan,
    Rincian,
    Sektor,
    SektoralError,
    Syarat,
    Terkait,
    Umur,
    katalog,
    sumber_dipakai,
)
from satudata.sektoral.muat import DATA_SEKTORAL, muat_sektor, muat_semua, sektor_bawaan, urai_sektor
from satudata.sektoral.sel import (
    KODE_BELUM_MENGISI,
    KODE_TOTAL,
    Alasan,
    Kolom,
    Sel,
    baris_kode,
    sel_tersembunyi,
    susun_sel,
)
from satudata.sektoral.sql import Kueri, kueri, sql_jk, sql_kode
from satudata.warehouse.client import Gudang

__all__ = [
    "AMBANG_BAWAAN",
    "DATA_SEKTORAL",
    "KODE_BELUM_MENGISI",
    "KODE_TOTAL",
    "Alasan",
    "Indikator",
    "Kolom",
    "Kueri",
    "Kumpulan",
    "Rincian",
    "Sektor",
    "SektoralError",
    "Sel",
    "Syarat",
    "Terkait",
    "Umur",
    "baris_kode",
    "hitung",
    "katalog",
    "kueri",
    "muat_sektor",
    "muat_semua",
    "sektor_bawaan",
    "sel_tersembunyi",
    "sql_jk",
    "sql_kode",
    "sumber_dipakai",
    "susun_sel",
    "urai_sektor",
]


async def hitung(
    gudang: Gudang, sektor: Sektor, ind: Indikator, kolom_wilayah: str, wilayah: str, per: dt.date
) -> list[Sel]:
    """The cells of one indicator for a wilayah as of ``per``."""
    k = kueri(ind, kolom_wilayah)
    rows = await gudang.query(k.sql, {**k.parameter, "wilayah": wilayah, "per": per})
    return susun_sel(ind, rows, sektor.sembunyikan_di_bawah, sektor.sembunyikan_pelengkap)
