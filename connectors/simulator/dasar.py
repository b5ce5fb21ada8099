"""Names shared by every part of the simulator: record types, keys, the change record and WITA time."""

from __future__ import annotations

import datetime as dt
from typing import Any

Kunci = tuple[str, int]  # (kode_kelurahan, local id of the record in that kelurahan's SIMATIK)
Perubahan = dict[str, Any]  # one change record, the JSON of POST /v1/<jenis>/events
WITA = dt.timezone(dt.timedelta(hours=8), "WITA")

# The record types (docs/rekaman.md), in the order the snapshot emits them.
PENDUDUK, KELUARGA, PERISTIWA, PERISTIWA_KELUARGA = "penduduk", "keluarga", "peristiwa", "peristiwa-keluarga"
PROGRAM, PESERTA, SURAT = "bantuan-program", "bantuan-peserta", "surat"
JENIS = (PENDUDUK, KELUARGA, PERISTIWA, PERISTIWA_KELUARGA, PROGRAM, PESERTA, SURAT)


def jenis_rekaman(rec: Perubahan) -> str:
    """The record type of a change record; records without ``"jenis"`` are residents (the first slice)."""
    return str(rec.get("jenis") or PENDUDUK)


def hari_wita(waktu: dt.datetime) -> dt.date:
    return waktu.astimezone(WITA).date()


def ts_wita(waktu: dt.datetime) -> str:
    return waktu.astimezone(WITA).isoformat(timespec="milliseconds")
