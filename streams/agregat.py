"""Record histories and the per-partition aggregates derived from them (net change per group per day).

The Faust table holds, per record, ``[version, offset, partition, riwayat]``; ``riwayat`` is the record's
history, one entry per version that changed its pseudonymised image: ``[berlaku, lapor, offset, version,
citra]`` (dates as ordinals, ``citra`` the compact list of :mod:`satudata.citra` or ``None`` once deleted).
Effective and report dates are made non-decreasing along a history, so versions form validity intervals.

The aggregates hold, per ``(group, date)``, the net change of the group's count on that date; a stock "as of
D" is the sum over dates ≤ D. The table is the only durable state: the aggregates are rebuilt from it when a
partition is (re)assigned, so they can never drift from it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from satudata.citra import sebagai_dict
from satudata.kontribusi import KOSONG, Grup, Kontribusi, kontribusi

NilaiTabel = list[Any]  # [version, offset, partition, riwayat]
Entri = list[Any]  # [berlaku, lapor, offset, version, citra | None]
KunciHarian = tuple[Grup, int]  # (group, date ordinal)


def kontribusi_entri(jenis: str, kel: str, entri: Entri | None) -> Kontribusi:
    if entri is None or entri[4] is None:
        return KOSONG
    return kontribusi(jenis, kel, sebagai_dict(jenis, entri[4]))


def perubahan_entri(
    jenis: str, kel: str, lama: Entri | None, baru: Entri, k_lama: Kontribusi | None = None
) -> Counter[KunciHarian]:
    """Net change of the aggregates when ``baru`` is appended after ``lama`` (the previous last entry)."""
    out: Counter[KunciHarian] = Counter()
    kl = k_lama if k_lama is not None else kontribusi_entri(jenis, kel, lama)
    kb = kontribusi_entri(jenis, kel, baru)
    b, lp = baru[0], baru[1]
    for g in kl.stok:
        out[(g, b)] -= 1
    for g in kl.stok_lapor:
        out[(g, lp)] -= 1
    for gt in kl.fakta:
        out[gt] -= 1
    for g in kb.stok:
        out[(g, b)] += 1
    for g in kb.stok_lapor:
        out[(g, lp)] += 1
    for gt in kb.fakta:
        out[gt] += 1
    return out


def kontribusi_riwayat(jenis: str, kel: str, riwayat: list[Entri]) -> Counter[KunciHarian]:
    """Every contribution of a whole history (used to rebuild and to re-check)."""
    out: Counter[KunciHarian] = Counter()
    sebelumnya: Entri | None = None
    for entri in riwayat:
        out.update(perubahan_entri(jenis, kel, sebelumnya, entri))
        sebelumnya = entri
    return out


def entri_baru(
    riwayat: list[Entri], berlaku: int, lapor: int, offset: int, versi: int, citra: list[Any] | None
) -> Entri:
    """The entry for a new version, its dates clamped so that they never go back along the history."""
    if riwayat:
        berlaku, lapor = max(berlaku, riwayat[-1][0]), max(lapor, riwayat[-1][1])
    return [berlaku, lapor, offset, versi, citra]


class AgregatPartisi:
    """Net change per (group, day) for the records of one source partition of one record type."""

    def __init__(self, jenis: str, generasi: int = 0) -> None:
        self.jenis = jenis
        self.generasi = generasi
        self.jumlah: dict[KunciHarian, int] = {}
        self.offset_terakhir = -1

    @classmethod
    def bangun(
        cls, jenis: str, rekaman: Iterable[tuple[bytes, NilaiTabel]], generasi: int = 0
    ) -> AgregatPartisi:
        agr = cls(jenis, generasi)
        total: Counter[KunciHarian] = Counter()
        for key, nilai in rekaman:
            agr.offset_terakhir = max(agr.offset_terakhir, int(nilai[1]))
            total.update(kontribusi_riwayat(jenis, pisah_kunci(key)[0], nilai[3]))
        agr.jumlah = {k: n for k, n in total.items() if n}
        return agr

    def terapkan(self, perubahan: Counter[KunciHarian], offset: int) -> dict[KunciHarian, int]:
        """Add a net change; returns the new absolute value of every (group, day) it touched."""
        self.offset_terakhir = max(self.offset_terakhir, offset)
        berubah: dict[KunciHarian, int] = {}
        for k, n in perubahan.items():
            if n:
                berubah[k] = self.jumlah[k] = self.jumlah.get(k, 0) + n
        return berubah


def pisah_kunci(key: bytes) -> tuple[str, int]:
    """A table key ``b"5272011001:123"`` → (kode_kelurahan, record id)."""
    kel, rid = key.split(b":", 1)
    return kel.decode(), int(rid)
