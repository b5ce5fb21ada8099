"""Letters issued by the kelurahan offices (``log_surat``, jenis ``surat``): a small catalogue of formats,
the last 30 days of the initial population, and a steady trickle in the change stream.

Most letters are printed at once (status 1 CETAK); some are saved as a draft (status 0 KONSEP) and printed a
few minutes to hours later (an update). Letters that need the camat's signature carry ``kecamatan`` 2
(belum dikirim) or 3 (sudah dikirim), the others 1 (tidak aktif). Some kelurahan sign electronically (TTE).
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from connectors.simulator.dasar import SURAT, Kunci, Perubahan
from connectors.simulator.pencatat import Pencatat
from connectors.simulator.sebaran import Undian

if TYPE_CHECKING:
    from connectors.simulator.populasi import Populasi

SURAT_PER_HARI = 6.0  # letters per kelurahan per simulated day, on average
PELUANG_KONSEP = 0.12


@dataclass(frozen=True, slots=True)
class FormatSurat:
    """A letter format (``tweb_surat_format``): id, code, name; ``camat``: needs the camat's signature."""

    id: int
    kode: str
    nama: str
    camat: bool = False


KATALOG = Undian({
    FormatSurat(1, "S-01", "Surat Keterangan Pengantar"): 14,
    FormatSurat(2, "S-09", "Surat Pengantar SKCK"): 10,
    FormatSurat(3, "S-12", "Surat Keterangan Domisili"): 18,
    FormatSurat(4, "S-13", "Surat Keterangan Tidak Mampu"): 16,
    FormatSurat(5, "S-17", "Surat Keterangan Usaha"): 14,
    FormatSurat(6, "S-21", "Surat Keterangan Kelahiran"): 8,
    FormatSurat(7, "S-23", "Surat Keterangan Kematian"): 4,
    FormatSurat(8, "S-25", "Surat Keterangan Pindah", camat=True): 6,
    FormatSurat(9, "S-28", "Surat Pengantar Nikah (N1)"): 5,
    FormatSurat(10, "S-40", "Surat Keterangan Ahli Waris", camat=True): 2,
})  # fmt: skip


def peluang_tte(kode_kelurahan: str) -> float:
    """Share of a kelurahan's letters signed electronically (0–80 %, fixed per kelurahan)."""
    return (zlib.crc32(kode_kelurahan.encode()) % 81) / 100


def citra_surat(
    rng: random.Random, kode: str, tanggal: dt.date, id_pend: int | None, *, konsep: bool = False
) -> dict[str, Any]:
    fmt = KATALOG.ambil(rng)
    return {
        "id": None, "kode_kelurahan": kode, "id_format_surat": fmt.id, "kode_surat": fmt.kode,
        "nama_surat": fmt.nama, "tanggal": tanggal.isoformat(), "status": 0 if konsep else 1,
        "kecamatan": (2 if konsep or rng.random() < 0.3 else 3) if fmt.camat else 1,
        "tte": rng.random() < peluang_tte(kode), "id_pend": id_pend,
    }  # fmt: skip


def isi_surat_awal(pop: Populasi, rng: random.Random) -> None:
    """The letters of the 30 days before ``tanggal_acuan``, all printed, for residents of the kelurahan."""
    penduduk: dict[str, list[int]] = {}
    for kode, rid in pop.penduduk:
        penduduk.setdefault(kode, []).append(rid)
    for hari in range(30, 0, -1):
        tanggal = pop.tanggal_acuan - dt.timedelta(days=hari)
        for kode in pop.klaster:
            for _ in range(rng.randint(2, 10)):
                pop.simpan(SURAT, citra_surat(rng, kode, tanggal, rng.choice(penduduk[kode])))


class MutasiSurat(Pencatat):
    """Letters of the change stream (a mixin of the change generator)."""

    def _surat(self) -> list[Perubahan]:
        """A letter for a living resident of a random kelurahan, printed or saved as a draft."""
        rng = self._rng
        kode = rng.choice(self._kelurahan)
        k = self._hidup_kel[kode].acak(rng)
        konsep = rng.random() < PELUANG_KONSEP
        sk = self.populasi.simpan(
            SURAT, citra_surat(rng, kode, self._hari, None if k is None else k[1], konsep=konsep)
        )
        if konsep:
            nanti = self._waktu + dt.timedelta(seconds=rng.uniform(300, 6 * 3600))
            heapq.heappush(self._surat_tunda, (nanti, sk[1], sk))
        return [self._catat(SURAT, "create", sk)]

    def _surat_cetak(self) -> list[Perubahan]:
        """The draft due next is printed (status 1)."""
        _, _, sk = heapq.heappop(self._surat_tunda)
        return self._cetak(sk)

    def _cetak(self, sk: Kunci) -> list[Perubahan]:
        citra = self.populasi.tabel[SURAT].get(sk)
        if citra is None or citra["status"] != 0:
            return []
        citra["status"] = 1
        return [self._catat(SURAT, "update", sk)]
