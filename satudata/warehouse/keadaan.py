"""Record states as of a date, from the ``<jenis>_versi`` tables (every version of every record).

A record's state on D is its version with the greatest source offset among those effective on or before D
(effective dates never go back along a record's history, so that is also the latest effective date). Deleted
records and records that did not exist yet are absent. This is the slow, exact path used by the
reconciliation, the data-quality figures, the sectoral indicators and statistics below the kelurahan (dusun,
RW, RT); the statistics API reads the maintained aggregates instead.
"""

from __future__ import annotations

from satudata.warehouse.versi import nama_tabel


def sql_keadaan(jenis: str, kolom_wilayah: str = "kode_kota", *, per_param: str = "per") -> str:
    """A subquery (no trailing semicolon) of the living versions of ``jenis`` valid on ``{per:Date32}``, for
    records whose ``kolom_wilayah`` equals ``{wilayah:String}``. Every column of the versions table is kept."""
    return (
        f"SELECT * FROM {{db}}.{nama_tabel(jenis)} FINAL "
        f"WHERE {kolom_wilayah} = {{wilayah:String}} AND berlaku <= {{{per_param}:Date32}} "
        "ORDER BY kode_kelurahan, id, sumber_offset DESC LIMIT 1 BY kode_kelurahan, id"
    )


def sql_hidup(jenis: str, kolom_wilayah: str = "kode_kota", *, per_param: str = "per") -> str:
    """Like :func:`sql_keadaan`, without deleted records (``dihapus = 0``)."""
    return f"SELECT * FROM ({sql_keadaan(jenis, kolom_wilayah, per_param=per_param)}) WHERE dihapus = 0"
