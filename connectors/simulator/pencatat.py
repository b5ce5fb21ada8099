"""The bookkeeping under the change generator: simulated time, versions, the records of a change, the
indexes of the population (living residents, families and their members, logs, assistance participants)
and the effective dates of events.

:class:`Pencatat` holds all state of a :class:`~connectors.simulator.perubahan.GeneratorPerubahan`; the
kinds of change live in mixins (:mod:`~connectors.simulator.mutasi`, :mod:`~connectors.simulator.bantuan`,
:mod:`~connectors.simulator.surat`).
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from connectors.simulator.dasar import (
    KELUARGA,
    PENDUDUK,
    PERISTIWA,
    PERISTIWA_KELUARGA,
    PESERTA,
    PROGRAM,
    SURAT,
    Kunci,
    Perubahan,
    hari_wita,
    ts_wita,
)
from connectors.simulator.peristiwa import Jeda, citra_peristiwa, citra_peristiwa_keluarga
from connectors.simulator.rekaman import rekaman

if TYPE_CHECKING:
    from connectors.simulator.populasi import Populasi

Sasaran = tuple[str, Kunci]  # what a participant points to: (PENDUDUK, resident) or (KELUARGA, family)


class Kumpulan:
    """A set of keys with O(1) add, remove and uniform random pick (deterministic order)."""

    def __init__(self, isi: Iterable[Kunci] = ()) -> None:
        self._daftar: list[Kunci] = []
        self._posisi: dict[Kunci, int] = {}
        for k in isi:
            self.tambah(k)

    def __len__(self) -> int:
        return len(self._daftar)

    def __contains__(self, k: object) -> bool:
        return k in self._posisi

    def __iter__(self) -> Iterator[Kunci]:
        return iter(list(self._daftar))

    def tambah(self, k: Kunci) -> None:
        if k not in self._posisi:
            self._posisi[k] = len(self._daftar)
            self._daftar.append(k)

    def buang(self, k: Kunci) -> None:
        i = self._posisi.pop(k, None)
        if i is None:
            return
        akhir = self._daftar.pop()
        if i < len(self._daftar):
            self._daftar[i] = akhir
            self._posisi[akhir] = i

    def acak(self, rng: random.Random) -> Kunci | None:
        return self._daftar[rng.randrange(len(self._daftar))] if self._daftar else None


class Pencatat:
    """State of the change stream over a :class:`Populasi` (see the module docstring)."""

    def __init__(self, populasi: Populasi, seed: int, mulai: dt.datetime) -> None:
        pop = self.populasi = populasi
        self.statistik: Counter[str] = Counter()
        self._rng = random.Random(seed)
        self._waktu = mulai
        self._kelurahan = list(populasi.klaster)
        self._hidup = Kumpulan()
        self._hidup_kel = {kode: Kumpulan() for kode in self._kelurahan}
        self._tidak_tetap = Kumpulan()  # living residents with status 2 (TIDAK TETAP)
        self._nik_sementara: list[Kunci] = []
        self._baru: list[Kunci] = []  # recently created residents (a hard delete is usually an entry mistake)
        self._aktif_kel = {kode: Kumpulan() for kode in self._kelurahan}  # active families
        self._anggota: dict[Kunci, dict[Kunci, None]] = {}  # active family → its living members, in order
        self._kepala: dict[Kunci, Kunci] = {}  # head of an active family → the family
        self._log_milik: dict[Kunci, list[Kunci]] = {}  # resident → its log_penduduk records
        self._berlaku: dict[tuple[str, Kunci], dt.date] = {}  # latest effective date of a touched record
        self._peserta_milik: dict[Sasaran, list[Kunci]] = {}  # resident / family → participant records
        self._peserta = Kumpulan()
        self._program_aktif = {kode: Kumpulan() for kode in self._kelurahan}
        self._terdaftar: set[tuple[str, int, str, int]] = set()  # (kelurahan, program id, sasaran, target id)
        self._surat_tunda: list[tuple[dt.datetime, int, Kunci]] = []  # heap of drafts to print
        for kk, citra in pop.tabel[KELUARGA].items():
            if citra["status_dasar"] == 1:
                self._aktif_kel[kk[0]].tambah(kk)
                self._anggota[kk] = {}
                self._kepala[(kk[0], citra["nik_kepala"])] = kk
        for k, citra in pop.penduduk.items():
            if citra["status_dasar"] == 1:
                self._masuk(k)
        for pk, citra in pop.tabel[PERISTIWA].items():
            self._log_milik.setdefault((pk[0], citra["id_pend"]), []).append(pk)
        for pk, citra in pop.tabel[PROGRAM].items():
            if citra["status"] == 1:
                self._program_aktif[pk[0]].tambah(pk)
        for pk, citra in pop.tabel[PESERTA].items():
            self._daftarkan_peserta(pk, citra)
        for sk, citra in pop.tabel[SURAT].items():
            if citra["status"] == 0:
                heapq.heappush(self._surat_tunda, (mulai, sk[1], sk))

    # -- time and records --

    @property
    def _hari(self) -> dt.date:
        return hari_wita(self._waktu)

    def _catat(self, jenis: str, op: str, k: Kunci, berlaku: dt.date | None = None) -> Perubahan:
        """Bump the version of ``k`` of type ``jenis`` and build its record from the current image.

        Records of one change keep the WITA date of its start (their ``ts`` never crosses midnight).
        """
        pop = self.populasi
        versi = pop.versi_jenis[jenis]
        versi[k] = 1 if op == "create" else versi[k] + 1
        citra = pop.tabel[jenis].get(k)
        rec = rekaman(
            op, k, versi[k], ts_wita(self._waktu), str(uuid.UUID(int=self._rng.getrandbits(128), version=4)),
            dict(citra) if citra is not None and op != "delete" else None, jenis=jenis, berlaku=berlaku,
        )  # fmt: skip
        if jenis in (PENDUDUK, KELUARGA):
            self._berlaku[(jenis, k)] = berlaku or self._hari
        lanjut = self._waktu + dt.timedelta(milliseconds=self._rng.randint(1, 900))
        if hari_wita(lanjut) == self._hari:
            self._waktu = lanjut
        return rec

    def _tanggal(self, jeda: Jeda, terlibat: Iterable[tuple[str, Kunci]] = ()) -> tuple[dt.date, dt.date]:
        """``(tgl_peristiwa, tgl_lapor)`` of an event reported today: a drawn lag back, but never before the
        snapshot nor before the latest effective date of the records it changes (``terlibat``)."""
        acuan = self.populasi.tanggal_acuan
        batas = max([acuan, *(self._berlaku.get(x, acuan) for x in terlibat)])
        lapor = self._hari
        return max(lapor - dt.timedelta(days=jeda.ambil(self._rng)), batas), lapor

    # -- residents --

    def _masuk(self, k: Kunci) -> None:
        citra = self.populasi.penduduk[k]
        self._hidup.tambah(k)
        self._hidup_kel[k[0]].tambah(k)
        if citra["status"] == 2:
            self._tidak_tetap.tambah(k)
        if citra["nik"].startswith("0"):
            self._nik_sementara.append(k)
        anggota = self._anggota.get((k[0], citra["id_kk"]))
        if anggota is not None:
            anggota[k] = None

    def _keluar(self, k: Kunci) -> None:
        self._hidup.buang(k)
        self._hidup_kel[k[0]].buang(k)
        self._tidak_tetap.buang(k)
        anggota = self._anggota.get((k[0], self.populasi.penduduk[k]["id_kk"]))
        if anggota is not None:
            anggota.pop(k, None)

    def _pilih_hidup(self, syarat: Any = None, kode: str | None = None) -> Kunci | None:
        """A random living resident (of kelurahan ``kode``); with ``syarat``, a few tries to find one that
        fits (else any)."""
        kumpulan = self._hidup if kode is None else self._hidup_kel[kode]
        k = kumpulan.acak(self._rng)
        for _ in range(6):
            if k is None or syarat is None or syarat(self.populasi.penduduk[k]):
                break
            k = kumpulan.acak(self._rng)
        return k

    # -- event logs --

    def _log(self, k: Kunci, kode: int, tanggal: dt.date, lapor: dt.date, **isi: Any) -> Perubahan:
        """A ``log_penduduk`` record of resident ``k`` (effective on the event's date)."""
        pop = self.populasi
        lk = pop.simpan(PERISTIWA, citra_peristiwa(k[1], pop.penduduk[k], kode, tanggal, lapor, **isi))
        self._log_milik.setdefault(k, []).append(lk)
        return self._catat(PERISTIWA, "create", lk, tanggal)

    def _log_kk(
        self, kk: Kunci, id_peristiwa: int, tanggal: dt.date, lapor: dt.date, id_pend: int
    ) -> Perubahan:
        """A ``log_keluarga`` record of family ``kk``."""
        keluarga = self.populasi.tabel[KELUARGA][kk]
        citra = citra_peristiwa_keluarga(keluarga, id_peristiwa, tanggal, lapor, id_pend)
        return self._catat(
            PERISTIWA_KELUARGA, "create", self.populasi.simpan(PERISTIWA_KELUARGA, citra), tanggal
        )

    # -- assistance participants --

    def _daftarkan_peserta(self, pk: Kunci, citra: dict[str, Any]) -> None:
        sasaran = (
            (PENDUDUK, citra["id_penduduk"]) if citra["sasaran"] == 1 else (KELUARGA, citra["id_keluarga"])
        )
        self._peserta_milik.setdefault((sasaran[0], (pk[0], sasaran[1])), []).append(pk)
        self._peserta.tambah(pk)
        self._terdaftar.add((pk[0], citra["program_id"], sasaran[0], sasaran[1]))

    def _hapus_peserta(self, pk: Kunci) -> Perubahan:
        citra = self.populasi.tabel[PESERTA].pop(pk)
        sasaran = (
            (PENDUDUK, citra["id_penduduk"]) if citra["sasaran"] == 1 else (KELUARGA, citra["id_keluarga"])
        )
        milik = self._peserta_milik.get((sasaran[0], (pk[0], sasaran[1])), [])
        if pk in milik:
            milik.remove(pk)
        self._peserta.buang(pk)
        self._terdaftar.discard((pk[0], citra["program_id"], sasaran[0], sasaran[1]))
        self.populasi.dihapus[(PESERTA, pk)] = self._hari
        return self._catat(PESERTA, "delete", pk)

    def _lepas_peserta(self, sasaran: Sasaran) -> list[Perubahan]:
        """Remove every participation of a resident or family that left (died, moved, ended, deleted)."""
        return [self._hapus_peserta(pk) for pk in list(self._peserta_milik.pop(sasaran, []))]

    def _sinkron_peserta(self, sasaran: Sasaran) -> list[Perubahan]:
        """Update the denormalised sex on the participations of ``sasaran`` (a resident, or a family whose
        head changed)."""
        pop = self.populasi
        if sasaran[0] == PENDUDUK:
            sex = pop.penduduk[sasaran[1]]["sex"]
        else:
            sex = pop.tabel[KELUARGA][sasaran[1]]["jenis_kelamin_kepala"]
        hasil = []
        for pk in self._peserta_milik.get(sasaran, []):
            if pop.tabel[PESERTA][pk]["jenis_kelamin"] != sex:
                pop.tabel[PESERTA][pk]["jenis_kelamin"] = sex
                hasil.append(self._catat(PESERTA, "update", pk))
        return hasil
