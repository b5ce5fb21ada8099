"""Event logs of the synthetic city: ``log_penduduk`` (jenis ``peristiwa``) and ``log_keluarga``
(``peristiwa-keluarga``) images, the lag between an event and its report, and the logs of the initial
population (the last year's births and new families).

An event happens on ``tgl_peristiwa`` and is reported on ``tgl_lapor``, the WITA date of the change's ``ts``;
the lag is drawn per kind of event (:data:`JEDA`): mostly a few days, up to 30 for births and deaths.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from connectors.simulator.dasar import KELUARGA, PERISTIWA, PERISTIWA_KELUARGA
from connectors.simulator.sebaran import Undian

if TYPE_CHECKING:
    from connectors.simulator.populasi import Populasi

# log_penduduk.kode_peristiwa
LAHIR, MATI, PINDAH_KELUAR, HILANG, PINDAH_MASUK, PERGI = 1, 2, 3, 4, 5, 6
# log_keluarga.id_peristiwa
KK_BARU, KK_MATI, KK_PINDAH, KK_HILANG, KK_DATANG, KK_PERGI, KK_PECAH = 1, 2, 3, 4, 5, 6, 12
# status_dasar of a resident after the event, and the family event when it ends the head's family
STATUS_SETELAH = {MATI: 2, PINDAH_KELUAR: 3, HILANG: 4, PERGI: 6}
KK_BERAKHIR = {MATI: KK_MATI, PINDAH_KELUAR: KK_PINDAH, HILANG: KK_HILANG, PERGI: KK_PERGI}
SEBAB = Undian({1: 70, 3: 8, 2: 3, 4: 0.5, 5: 0.5, 6: 18})  # PENYEBAB_KEMATIAN
PENOLONG = Undian({1: 30, 2: 35, 3: 2, 4: 33})  # PENOLONG_MATI


class Jeda:
    """Days between an event and its report: a weighted choice of ranges, uniform within the range."""

    __slots__ = ("_rentang",)

    def __init__(self, bobot: Mapping[tuple[int, int], float]) -> None:
        self._rentang = Undian(bobot)

    def ambil(self, rng: random.Random) -> int:
        bawah, atas = self._rentang.ambil(rng)
        return rng.randint(bawah, atas)


_PINDAH = Jeda({(0, 0): 40, (1, 3): 37, (4, 7): 13, (8, 14): 6, (15, 30): 4})
JEDA: dict[int, Jeda] = {
    LAHIR: Jeda({(0, 0): 10, (1, 7): 35, (8, 14): 25, (15, 30): 30}),
    MATI: Jeda({(0, 0): 15, (1, 2): 35, (3, 7): 25, (8, 14): 12, (15, 30): 13}),
    PINDAH_KELUAR: _PINDAH, PINDAH_MASUK: _PINDAH,
    HILANG: Jeda({(3, 7): 40, (8, 14): 30, (15, 30): 30}),
    PERGI: Jeda({(0, 0): 30, (1, 7): 50, (8, 14): 20}),
}  # fmt: skip
JEDA_KELUARGA = Jeda({(0, 0): 50, (1, 7): 40, (8, 30): 10})  # a new or split family


def citra_peristiwa(
    id_pend: int, penduduk: Mapping[str, Any], kode_peristiwa: int, tgl_peristiwa: dt.date,
    tgl_lapor: dt.date, *, ref_pindah: int | None = None, sebab: int | None = None,
    penolong_mati: int | None = None, tujuan: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A ``log_penduduk`` image of resident ``id_pend`` (``penduduk``: its image, for the denormalised
    sex and citizenship); ``id`` is set when it is stored."""
    return {
        "id": None, "kode_kelurahan": penduduk["kode_kelurahan"], "id_pend": id_pend,
        "kode_peristiwa": kode_peristiwa, "tgl_peristiwa": tgl_peristiwa.isoformat(),
        "tgl_lapor": tgl_lapor.isoformat(), "ref_pindah": ref_pindah, "sebab": sebab,
        "penolong_mati": penolong_mati, "kode_kelurahan_tujuan": tujuan, "jenis_kelamin": penduduk["sex"],
        "warganegara_id": penduduk["warganegara_id"],
    }  # fmt: skip


def citra_peristiwa_keluarga(
    keluarga: Mapping[str, Any], id_peristiwa: int, tgl_peristiwa: dt.date, tgl_lapor: dt.date,
    id_pend: int | None,
) -> dict[str, Any]:  # fmt: skip
    """A ``log_keluarga`` image of the family ``keluarga`` (its image, for the head's sex)."""
    return {
        "id": None, "kode_kelurahan": keluarga["kode_kelurahan"], "id_kk": keluarga["id"],
        "id_peristiwa": id_peristiwa, "tgl_peristiwa": tgl_peristiwa.isoformat(),
        "tgl_lapor": tgl_lapor.isoformat(), "id_pend": id_pend,
        "jenis_kelamin_kepala": keluarga["jenis_kelamin_kepala"],
    }  # fmt: skip


def isi_log_awal(pop: Populasi, rng: random.Random) -> None:
    """Logs of the initial population: the birth of every resident born in the year before ``tanggal_acuan``
    and the registration of every family registered in that year, each reported by ``tanggal_acuan``."""
    acuan = pop.tanggal_acuan
    batas = (acuan - dt.timedelta(days=365)).isoformat()
    for (_, rid), citra in pop.penduduk.items():
        lahir = citra["tanggallahir"]
        if lahir and lahir >= batas:
            tanggal = dt.date.fromisoformat(lahir)
            lapor = min(acuan, tanggal + dt.timedelta(days=JEDA[LAHIR].ambil(rng)))
            pop.simpan(PERISTIWA, citra_peristiwa(rid, citra, LAHIR, tanggal, lapor))
    for citra in pop.tabel[KELUARGA].values():
        if citra["tgl_daftar"] >= batas:
            tanggal = dt.date.fromisoformat(citra["tgl_daftar"])
            lapor = min(acuan, tanggal + dt.timedelta(days=JEDA_KELUARGA.ambil(rng)))
            log = citra_peristiwa_keluarga(citra, KK_BARU, tanggal, lapor, citra["nik_kepala"])
            pop.simpan(PERISTIWA_KELUARGA, log)
