"""Families (``tweb_keluarga``) of the synthetic city: the head, succession and family edits.

A family is active (``status_dasar`` 1) while its head lives in the kelurahan. When the head dies or leaves,
the spouse (else the eldest remaining member) becomes the head; a family left without members ends
(``status_dasar`` 2, KK Hilang/Pindah/Mati). ``nik_kepala`` is the head's ``tweb_penduduk.id``, as in
OpenSID, and the head's sex is denormalised into ``jenis_kelamin_kepala``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from connectors.simulator.atribut import KELAS_SOSIAL
from connectors.simulator.dasar import KELUARGA, Kunci

if TYPE_CHECKING:
    from connectors.simulator.populasi import Populasi


def tetapkan_kepala(pop: Populasi, kk: Kunci, kepala: Kunci) -> None:
    """Make resident ``kepala`` the head of family ``kk``."""
    citra = pop.tabel[KELUARGA][kk]
    citra["nik_kepala"], citra["jenis_kelamin_kepala"] = kepala[1], pop.penduduk[kepala]["sex"]


def pengganti_kepala(pop: Populasi, anggota: Iterable[Kunci]) -> Kunci | None:
    """The successor of a head among the remaining living ``anggota``: a spouse, else the eldest."""
    sisa = list(anggota)
    pasangan = [a for a in sisa if pop.penduduk[a]["kk_level"] in (2, 3)]
    if pasangan:
        return pasangan[0]
    return min(sisa, key=lambda a: pop.penduduk[a]["tanggallahir"] or "9999", default=None)


def ubah_keluarga(rng: random.Random, citra: dict[str, Any]) -> bool:
    """An edit of a family image: its kelas sosial re-assessed (returns whether it changed)."""
    baru = KELAS_SOSIAL.ambil(rng)
    if citra["kelas_sosial"] == baru:
        return False
    citra["kelas_sosial"] = baru
    return True
