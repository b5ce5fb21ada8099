"""The truth over time: how many residents lived (and families were active) in each kelurahan on a date, by
effective date (``berlaku``), and the monthly mutation report (laporan bulanan, DOMAIN.md §6.2) of the
simulated city, from the simulator's own bookkeeping (``Populasi.riwayat``) and event logs.

Hard-deleted records are entry mistakes: by default they count nowhere, as in OpenSID, which recomputes
its report from the rows that remain (their event logs are deleted with them). ``dengan_dihapus=True``
counts them until the day of the delete instead, as a history that closes a record's interval does.
Dates before ``tanggal_acuan`` are not known (the snapshot is the beginning of history).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from connectors.simulator.dasar import KELUARGA, PENDUDUK, PERISTIWA, PERISTIWA_KELUARGA
from connectors.simulator.peristiwa import (
    HILANG,
    KK_BARU,
    KK_DATANG,
    KK_HILANG,
    KK_MATI,
    KK_PECAH,
    KK_PERGI,
    KK_PINDAH,
    LAHIR,
    MATI,
    PERGI,
    PINDAH_KELUAR,
    PINDAH_MASUK,
)

if TYPE_CHECKING:
    from connectors.simulator.populasi import Populasi

# laporan bulanan rows → log_penduduk.kode_peristiwa / log_keluarga.id_peristiwa
BARIS_PENDUDUK = {"lahir": (LAHIR,), "mati": (MATI,), "datang": (PINDAH_MASUK,), "pindah": (PINDAH_KELUAR,),
                  "hilang": (HILANG,), "pergi": (PERGI,)}  # fmt: skip
BARIS_KELUARGA = {"kk_baru": (KK_BARU, KK_PECAH), "kk_mati": (KK_MATI,), "kk_datang": (KK_DATANG,),
                  "kk_pindah": (KK_PINDAH,), "kk_hilang": (KK_HILANG,), "kk_pergi": (KK_PERGI,)}  # fmt: skip
MASUK = ("lahir", "datang", "kk_baru", "kk_datang")  # rows that add; the other event rows subtract


def aktif_pada(
    pop: Populasi, tanggal: dt.date, jenis: str = PENDUDUK, *, dengan_dihapus: bool = False
) -> Counter[str]:
    """Living residents (``jenis="penduduk"``) or active families (``"keluarga"``) per kelurahan at the end
    of ``tanggal`` (≥ ``tanggal_acuan``), by effective date."""
    if tanggal < pop.tanggal_acuan:
        raise ValueError(f"riwayat dimulai pada tanggal acuan {pop.tanggal_acuan}, bukan {tanggal}")
    if jenis not in (PENDUDUK, KELUARGA):
        raise ValueError(f"riwayat hanya untuk penduduk dan keluarga, bukan {jenis!r}")
    tabel = pop.tabel[jenis]
    hasil: Counter[str] = Counter()
    for k in pop.versi_jenis[jenis]:
        if (jenis, k) in pop.dihapus and not dengan_dihapus:
            continue
        riwayat = pop.riwayat.get((jenis, k))
        if riwayat is None:  # untouched since the snapshot
            aktif = tabel[k]["status_dasar"] == 1
        else:
            aktif = False
            for berlaku, status in riwayat:  # effective dates never decrease per record
                if berlaku > tanggal:
                    break
                aktif = status
        hasil[k[0]] += aktif
    return +hasil


def mutasi(
    pop: Populasi, mulai: dt.date, akhir: dt.date, *, dasar: str = "tgl_peristiwa"
) -> dict[str, Counter[str]]:
    """Events per kelurahan with ``dasar`` (``tgl_peristiwa`` or ``tgl_lapor``) in ``[mulai, akhir]``, by
    laporan row (``lahir``, ``mati``… and ``kk_baru``, ``kk_mati``…); deleted logs do not count."""
    awal, ujung = mulai.isoformat(), akhir.isoformat()
    hasil: dict[str, Counter[str]] = {}
    for jenis, kolom, baris in ((PERISTIWA, "kode_peristiwa", BARIS_PENDUDUK),
                                (PERISTIWA_KELUARGA, "id_peristiwa", BARIS_KELUARGA)):  # fmt: skip
        nama = {kode: b for b, semua in baris.items() for kode in semua}
        for citra in pop.tabel[jenis].values():
            if awal <= citra[dasar] <= ujung and citra[kolom] in nama:
                hasil.setdefault(citra["kode_kelurahan"], Counter())[nama[citra[kolom]]] += 1
    return hasil


def laporan_bulanan(pop: Populasi, tahun: int, bulan: int) -> dict[str, dict[str, int]]:
    """Per kelurahan: ``awal`` / ``akhir`` (living residents at the start / end of the month), ``kk_awal`` /
    ``kk_akhir`` (active families) and the month's events by ``tgl_peristiwa`` (:data:`BARIS_PENDUDUK`,
    :data:`BARIS_KELUARGA`). The month must start after ``tanggal_acuan``."""
    pertama = dt.date(tahun, bulan, 1)
    terakhir = dt.date(tahun, bulan, calendar.monthrange(tahun, bulan)[1])
    sebelum = pertama - dt.timedelta(days=1)
    stok = {
        "awal": aktif_pada(pop, sebelum), "akhir": aktif_pada(pop, terakhir),
        "kk_awal": aktif_pada(pop, sebelum, KELUARGA), "kk_akhir": aktif_pada(pop, terakhir, KELUARGA),
    }  # fmt: skip
    peristiwa = mutasi(pop, pertama, terakhir)
    hasil: dict[str, dict[str, int]] = {}
    for kode in sorted(pop.klaster):
        baris = {b: peristiwa.get(kode, Counter())[b] for b in (*BARIS_PENDUDUK, *BARIS_KELUARGA)}
        hasil[kode] = {**{nama: nilai[kode] for nama, nilai in stok.items()}, **baris}
    return hasil
