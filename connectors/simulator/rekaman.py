"""The records of the synthetic city, in the JSON shape of the hub's ``POST /v1/penduduk/events``.

A change record::

    {"op": "create"|"update"|"delete"|"snapshot", "kode_kelurahan": "5272011001", "id": 123, "version": 4,
     "ts": "2026-12-04T10:15:00.123+08:00", "event_id": "<uuid>", "sistem": "SIMULATOR", "data": {image}|None}

:func:`snapshot` is the initial load of a :class:`~connectors.simulator.populasi.Populasi`;
:func:`keadaan_akhir` is its truth after a change stream (:mod:`connectors.simulator.perubahan`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

from connectors.simulator.populasi import Kunci, Populasi

Perubahan = dict[str, Any]
WITA = dt.timezone(dt.timedelta(hours=8), "WITA")
SISTEM = "SIMULATOR"
_NAMESPACE = uuid.UUID("0f6f3c52-7201-4b1a-9d5e-5272b1a5a7e0")


def ts_wita(waktu: dt.datetime) -> str:
    return waktu.astimezone(WITA).isoformat(timespec="milliseconds")


def rekaman(
    op: str, kunci: Kunci, versi: int, ts: str, event_id: str, data: dict[str, Any] | None
) -> Perubahan:
    """One record of ``kunci`` at ``versi`` (``data`` is the image, ``None`` for a delete)."""
    return {
        "op": op, "kode_kelurahan": kunci[0], "id": kunci[1], "version": versi, "ts": ts,
        "event_id": event_id, "sistem": SISTEM, "data": data,
    }  # fmt: skip


def snapshot(populasi: Populasi, waktu: dt.datetime | None = None) -> Iterator[Perubahan]:
    """Initial load: one ``op="snapshot"`` per record at its current version (1 after ``buat_populasi``).

    ``waktu`` (default: ``tanggal_acuan`` 00:00 WITA) is the ``ts`` of every record; event ids derive from
    seed, scale, key and version, so the same population always gives the same snapshot.
    """
    ts = ts_wita(waktu or dt.datetime.combine(populasi.tanggal_acuan, dt.time(), WITA))
    for (kode, rid), citra in populasi.penduduk.items():
        versi = populasi.versi[(kode, rid)]
        nama = f"{populasi.seed}:{populasi.skala}:{populasi.tanggal_acuan}:{kode}:{rid}:{versi}:snapshot"
        event_id = str(uuid.uuid5(_NAMESPACE, nama))
        yield rekaman("snapshot", (kode, rid), versi, ts, event_id, dict(citra))


def keadaan_akhir(populasi: Populasi) -> dict[Kunci, dict[str, Any] | None]:
    """Final image of every key ever emitted (``None`` for hard-deleted records)."""
    return {k: (dict(populasi.penduduk[k]) if k in populasi.penduduk else None) for k in populasi.versi}
