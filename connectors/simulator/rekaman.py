"""The records of the synthetic city, in the JSON shape of the hub's ``POST /v1/<jenis>/events``
(docs/rekaman.md).

A change record::

    {"jenis": "penduduk", "op": "create"|"update"|"delete"|"snapshot", "kode_kelurahan": "5272011001",
     "id": 123, "version": 4, "ts": "2026-12-04T10:15:00.123+08:00", "berlaku": "2026-11-30",
     "event_id": "<uuid>", "sistem": "SIMULATOR", "data": {image}|None}

``berlaku`` (the effective date) is only present on the changes that come with a population or family event.
:func:`snapshot` is the initial load of a :class:`~connectors.simulator.populasi.Populasi`;
:func:`keadaan_akhir` and :func:`keadaan_akhir_semua` are its truth after a change stream
(:mod:`connectors.simulator.perubahan`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any

from connectors.simulator.dasar import JENIS, PENDUDUK, WITA, Kunci, Perubahan, ts_wita

if TYPE_CHECKING:
    from connectors.simulator.populasi import Populasi

__all__ = [
    "SISTEM",
    "WITA",
    "Perubahan",
    "keadaan_akhir",
    "keadaan_akhir_semua",
    "rekaman",
    "snapshot",
    "ts_wita",
]

SISTEM = "SIMULATOR"
_NAMESPACE = uuid.UUID("0f6f3c52-7201-4b1a-9d5e-5272b1a5a7e0")


def rekaman(
    op: str, kunci: Kunci, versi: int, ts: str, event_id: str, data: dict[str, Any] | None, *,
    jenis: str = PENDUDUK, berlaku: dt.date | None = None,
) -> Perubahan:  # fmt: skip
    """One record of ``kunci`` at ``versi`` (``data`` is the image, ``None`` for a delete)."""
    rec: Perubahan = {
        "jenis": jenis, "op": op, "kode_kelurahan": kunci[0], "id": kunci[1], "version": versi, "ts": ts,
    }  # fmt: skip
    if berlaku is not None:
        rec["berlaku"] = berlaku.isoformat()
    rec.update(event_id=event_id, sistem=SISTEM, data=data)
    return rec


def periksa_jenis(jenis: Collection[str] | None) -> frozenset[str]:
    """The record types to emit (all by default); refuses unknown or no types."""
    pilihan = frozenset(JENIS if jenis is None else jenis)
    if not pilihan or not pilihan <= set(JENIS):
        raise ValueError(f"jenis harus bagian tak kosong dari {', '.join(JENIS)}, bukan {sorted(pilihan)}")
    return pilihan


def snapshot(
    populasi: Populasi, waktu: dt.datetime | None = None, *, jenis: Collection[str] | None = None
) -> Iterator[Perubahan]:
    """Initial load: one ``op="snapshot"`` per record at its current version (1 after ``buat_populasi``),
    type by type in :data:`~connectors.simulator.dasar.JENIS` order (``jenis``: only these types).

    ``waktu`` (default: ``tanggal_acuan`` 00:00 WITA) is the ``ts`` of every record; event ids derive from
    seed, scale, type, key and version, so the same population always gives the same snapshot.
    """
    pilihan = periksa_jenis(jenis)
    ts = ts_wita(waktu or dt.datetime.combine(populasi.tanggal_acuan, dt.time(), WITA))
    awal = f"{populasi.seed}:{populasi.skala}:{populasi.tanggal_acuan}"
    for nama_jenis in JENIS:
        if nama_jenis not in pilihan:
            continue
        versi = populasi.versi_jenis[nama_jenis]
        tanda = "" if nama_jenis == PENDUDUK else f"{nama_jenis}:"
        for (kode, rid), citra in populasi.tabel[nama_jenis].items():
            v = versi[(kode, rid)]
            event_id = str(uuid.uuid5(_NAMESPACE, f"{awal}:{tanda}{kode}:{rid}:{v}:snapshot"))
            yield rekaman("snapshot", (kode, rid), v, ts, event_id, dict(citra), jenis=nama_jenis)


def keadaan_akhir(populasi: Populasi) -> dict[Kunci, dict[str, Any] | None]:
    """Final image of every resident key ever emitted (``None`` for hard-deleted records)."""
    return keadaan_akhir_semua(populasi, (PENDUDUK,))[PENDUDUK]


def keadaan_akhir_semua(
    populasi: Populasi, jenis: Collection[str] | None = None
) -> dict[str, dict[Kunci, dict[str, Any] | None]]:
    """Final image of every key ever emitted, per record type (``None`` for deleted records)."""
    hasil: dict[str, dict[Kunci, dict[str, Any] | None]] = {}
    for nama in JENIS:
        if jenis is None or nama in jenis:
            tabel = populasi.tabel[nama]
            hasil[nama] = {k: (dict(tabel[k]) if k in tabel else None) for k in populasi.versi_jenis[nama]}
    return hasil
