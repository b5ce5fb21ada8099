"""Per-partition living-resident aggregates held in the worker's memory, derived from the Faust table.

The Faust table (one changelog record per applied event) is the only durable state; these counts are rebuilt
from it whenever a partition is (re)assigned, so they can never drift from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from satudata.statistik import CitraStatistik, Grup, kontribusi

# Faust table value: [version, offset, partition, citra-list | None]
NilaiTabel = list[Any]


def citra_dari_nilai(nilai: NilaiTabel | None) -> CitraStatistik | None:
    if nilai is None or nilai[3] is None:
        return None
    return CitraStatistik.dari_list(nilai[3])


class AgregatPartisi:
    """Absolute counts per group for the records of one source partition."""

    def __init__(self, acuan: dt.date, generasi: int = 0) -> None:
        self.acuan = acuan
        self.generasi = generasi
        self.jumlah: dict[Grup, int] = {}
        self.offset_terakhir = -1

    @classmethod
    def bangun(cls, nilai_nilai: Iterable[NilaiTabel], acuan: dt.date, generasi: int = 0) -> AgregatPartisi:
        agr = cls(acuan, generasi)
        for nilai in nilai_nilai:
            agr.offset_terakhir = max(agr.offset_terakhir, int(nilai[1]))
            for g in kontribusi(citra_dari_nilai(nilai), acuan):
                agr.jumlah[g] = agr.jumlah.get(g, 0) + 1
        return agr

    def terapkan(
        self, lama: CitraStatistik | None, baru: CitraStatistik | None, offset: int
    ) -> dict[Grup, int]:
        """Retract the old image, add the new one; returns the new absolute value of every changed group."""
        self.offset_terakhir = max(self.offset_terakhir, offset)
        kurang, tambah = kontribusi(lama, self.acuan), kontribusi(baru, self.acuan)
        if kurang == tambah:
            return {}
        sama = set(kurang) & set(tambah)
        berubah: dict[Grup, int] = {}
        for g in kurang:
            if g not in sama:
                berubah[g] = self.jumlah[g] = self.jumlah.get(g, 0) - 1
        for g in tambah:
            if g not in sama:
                berubah[g] = self.jumlah[g] = self.jumlah.get(g, 0) + 1
        return berubah
