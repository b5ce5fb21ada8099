"""The change stream of the synthetic city: records as in :mod:`connectors.simulator.rekaman`.

:class:`GeneratorPerubahan` mutates the :class:`~connectors.simulator.populasi.Populasi` as it goes, so the
population after the stream is the truth (:func:`~connectors.simulator.rekaman.keadaan_akhir`). Deliberate
duplicates and reorders only touch the emitted records, never the truth: the truth of each key is always its
highest version. Attribute edits are drawn by :mod:`connectors.simulator.koreksi`.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from connectors.simulator.koreksi import JENIS_UBAH, ubah_citra
from connectors.simulator.populasi import Keluarga, Kunci, Populasi, buat_citra, keluarga_baru, keluarga_dari
from connectors.simulator.rekaman import WITA, Perubahan, rekaman, ts_wita
from connectors.simulator.sebaran import (
    AGAMA,
    ASAL_LUAR,
    Undian,
    alamat_acak,
    tanggal_lahir_acak,
    umur_citra,
)

_RIWAYAT = 2000  # how many earlier records a duplicate is drawn from
# Logical changes and their relative frequency.
JENIS_PERUBAHAN = Undian({
    "lahir": 14, "mati": 5, "pindah_dalam": 9, "pindah_kelurahan": 6, "pindah_kecamatan": 6,
    "pindah_keluar": 3, "pindah_masuk": 7, "ubah": 46, "ganti_nik": 3, "hapus": 1,
})  # fmt: skip


class _Kumpulan:
    """A set of keys with O(1) add, remove and uniform random pick (deterministic order)."""

    def __init__(self, isi: Iterable[Kunci] = ()) -> None:
        self._daftar: list[Kunci] = []
        self._posisi: dict[Kunci, int] = {}
        for k in isi:
            self.tambah(k)

    def __len__(self) -> int:
        return len(self._daftar)

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


class GeneratorPerubahan:
    """Births, deaths, moves, newcomers, edits, NIK fixes and hard deletes over a :class:`Populasi`.

    ``mulai`` (timezone-aware, not before the population's ``tanggal_acuan``) is the time of the first change;
    later changes follow at random gaps averaging ``jeda``. ``duplikat`` is the share of records re-sent later
    unchanged (same ``event_id``); ``acak_urutan`` the share of changes whose record is overtaken by a newer
    version of the same key. Use one generator per population: it keeps indexes of that population's state.
    """

    def __init__(
        self, populasi: Populasi, seed: int, mulai: dt.datetime, *, duplikat: float = 0.02,
        acak_urutan: float = 0.02, jeda: dt.timedelta = dt.timedelta(seconds=30),
    ) -> None:  # fmt: skip
        if mulai.tzinfo is None:
            raise ValueError("mulai harus memakai zona waktu (mis. +08:00 WITA)")
        if mulai.astimezone(WITA).date() < populasi.tanggal_acuan:
            raise ValueError(f"mulai tidak boleh sebelum tanggal acuan populasi ({populasi.tanggal_acuan})")
        if not (0 <= duplikat <= 1 and 0 <= acak_urutan <= 1) or jeda <= dt.timedelta(0):
            raise ValueError("duplikat dan acak_urutan harus di antara 0 dan 1, jeda harus positif")
        self.populasi, self.duplikat, self.acak_urutan = populasi, duplikat, acak_urutan
        self.statistik: Counter[str] = Counter()
        self._rng = random.Random(seed)
        self._waktu = mulai
        self._jeda = jeda.total_seconds()
        self._kelurahan = list(populasi.klaster)
        self._hidup = _Kumpulan()
        self._hidup_kel: dict[str, _Kumpulan] = {kode: _Kumpulan() for kode in self._kelurahan}
        self._nik_sementara: list[Kunci] = []
        self._baru: list[Kunci] = []  # recently created keys (a hard delete is usually an entry mistake)
        self._riwayat: list[Perubahan] = []  # ring of earlier records, for duplicates
        self._aksi: dict[str, Callable[[], list[Perubahan]]] = {
            "lahir": self._lahir, "mati": self._mati, "pindah_dalam": self._pindah_dalam,
            "pindah_kelurahan": lambda: self._pindah(antar_kecamatan=False),
            "pindah_kecamatan": lambda: self._pindah(antar_kecamatan=True),
            "pindah_keluar": self._pindah_keluar, "pindah_masuk": self._pindah_masuk, "ubah": self._ubah,
            "ganti_nik": self._ganti_nik, "hapus": self._hapus,
        }  # fmt: skip
        for k, citra in populasi.penduduk.items():
            if citra["status_dasar"] == 1:
                self._masuk(k)

    # -- the stream --

    def berikutnya(self) -> list[Perubahan]:
        """The records of the next logical change (1–2), plus any deliberate reorder or duplicate."""
        rng = self._rng
        self._waktu += dt.timedelta(seconds=rng.expovariate(1 / self._jeda))
        jenis = JENIS_PERUBAHAN.ambil(rng)
        hasil = self._aksi[jenis]()
        if not hasil:  # nothing fitting (no temporary NIK left, empty kelurahan…): an ordinary edit instead
            jenis, hasil = "ubah", self._ubah() or self._pindah_masuk()
        self.statistik[jenis] += 1
        terakhir = (hasil[-1]["kode_kelurahan"], hasil[-1]["id"])
        if rng.random() < self.acak_urutan and terakhir in self.populasi.penduduk:
            lanjutan = self._koreksi(terakhir)
            if lanjutan is not None:  # the newer version overtakes the older one
                hasil = [*hasil[:-1], lanjutan, hasil[-1]]
                self.statistik["acak_urutan"] += 1
        ganda: list[Perubahan] = []
        if self._riwayat:  # re-send records of earlier changes, unchanged
            ganda = [self._salin(rng.choice(self._riwayat)) for _ in hasil if rng.random() < self.duplikat]
            self.statistik["duplikat"] += len(ganda)
        for rec in hasil:
            if len(self._riwayat) < _RIWAYAT:
                self._riwayat.append(self._salin(rec))
            else:
                self._riwayat[rng.randrange(_RIWAYAT)] = self._salin(rec)
        return hasil + ganda

    def aliran(self, n: int) -> Iterator[Perubahan]:
        """At least ``n`` records (the last logical change is never cut in half)."""
        jumlah = 0
        while jumlah < n:
            for rec in self.berikutnya():
                jumlah += 1
                yield rec

    # -- bookkeeping --

    @staticmethod
    def _salin(rec: Perubahan) -> Perubahan:
        return {**rec, "data": dict(rec["data"]) if rec.get("data") is not None else None}

    def _catat(self, op: str, k: Kunci) -> Perubahan:
        """Bump the version of ``k`` and build its record from the current image."""
        pop = self.populasi
        pop.versi[k] = 1 if op == "create" else pop.versi[k] + 1
        citra = pop.penduduk.get(k)
        rec = rekaman(
            op, k, pop.versi[k], ts_wita(self._waktu), str(uuid.UUID(int=self._rng.getrandbits(128), version=4)),
            dict(citra) if citra is not None and op != "delete" else None,
        )  # fmt: skip
        self._waktu += dt.timedelta(milliseconds=self._rng.randint(1, 900))
        return rec

    def _masuk(self, k: Kunci) -> None:
        self._hidup.tambah(k)
        self._hidup_kel[k[0]].tambah(k)
        if self.populasi.penduduk[k]["nik"].startswith("0"):
            self._nik_sementara.append(k)

    def _keluar(self, k: Kunci) -> None:
        self._hidup.buang(k)
        self._hidup_kel[k[0]].buang(k)

    def _baru_dibuat(self, citra: dict[str, Any]) -> Perubahan:
        k = self.populasi.tambah(citra)
        self._masuk(k)
        self._baru = [*self._baru[-199:], k]
        return self._catat("create", k)

    @property
    def _hari(self) -> dt.date:
        return self._waktu.astimezone(WITA).date()

    def _pilih_hidup(self, syarat: Callable[[dict[str, Any]], bool] | None = None) -> Kunci | None:
        """A random living resident; with ``syarat``, a few tries to find one that fits (else any)."""
        k = self._hidup.acak(self._rng)
        for _ in range(6):
            if k is None or syarat is None or syarat(self.populasi.penduduk[k]):
                break
            k = self._hidup.acak(self._rng)
        return k

    def _keluarga_tujuan(self, kode: str, citra: dict[str, Any]) -> Keluarga:
        """A new KK in ``kode`` (the person becomes its head), or an existing one there (as famili lain)."""
        k = self._hidup_kel[kode].acak(self._rng)
        dewasa = (umur_citra(citra, self._hari) or 30) >= 17 if citra else True
        if k is None or (dewasa and self._rng.random() < 0.6):
            citra["kk_level"] = 1
            return keluarga_baru(self.populasi, self._rng, kode, self._hari)
        citra["kk_level"] = 9 if self._rng.random() < 0.8 else 11
        return keluarga_dari(self.populasi.penduduk[k])

    @staticmethod
    def _pakai(citra: dict[str, Any], kk: Keluarga) -> None:
        citra.update(
            kode_kelurahan=kk.kode_kelurahan, id_kk=kk.id_kk, no_kk=kk.no_kk, dusun=kk.klaster[0],
            rw=kk.klaster[1], rt=kk.klaster[2], alamat_sekarang=kk.alamat, status_dasar=1,
        )  # fmt: skip

    # -- logical changes --

    def _lahir(self) -> list[Perubahan]:
        rng, hari = self._rng, self._hari
        k = self._pilih_hidup(lambda c: c["kk_level"] in (1, 2, 3) and 18 <= (umur_citra(c, hari) or 0) <= 50)
        if k is None:
            return []
        induk = self.populasi.penduduk[k]
        kk = keluarga_dari(induk)
        citra = buat_citra(
            self.populasi, rng, kk, sex=1 if rng.random() < 0.51 else 2, kk_level=4, status_kawin=1,
            lahir=hari - dt.timedelta(days=rng.randint(0, 30)), agama=induk["agama_id"] or 1, tanggal=hari,
            awalan=kk.kode_kelurahan[:6], kosong=0,
        )  # fmt: skip
        citra["tempatlahir"] = "BIMA" if rng.random() < 0.7 else "KOTA BIMA"
        citra["golongan_darah_id"] = None if rng.random() < 0.85 else citra["golongan_darah_id"]
        if rng.random() < 0.1:  # registered before the NIK is issued
            citra["nik"] = self.populasi.nik_sementara(kk.kode_kelurahan)
        return [self._baru_dibuat(citra)]

    def _mati(self) -> list[Perubahan]:
        calon = [k for k in (self._hidup.acak(self._rng) for _ in range(3)) if k is not None]
        if not calon:
            return []
        k = max(calon, key=lambda c: umur_citra(self.populasi.penduduk[c], self._hari) or 40)
        self.populasi.penduduk[k]["status_dasar"] = 2
        self._keluar(k)
        return [self._catat("update", k)]

    def _pindah_dalam(self) -> list[Perubahan]:
        k = self._pilih_hidup()
        if k is None:
            return []
        citra = self.populasi.penduduk[k]
        klaster = self._rng.choice(self.populasi.klaster[k[0]])
        alamat = alamat_acak(self._rng, klaster)
        citra.update(dusun=klaster[0], rw=klaster[1], rt=klaster[2], alamat_sekarang=alamat)
        return [self._catat("update", k)]

    def _pindah(self, *, antar_kecamatan: bool) -> list[Perubahan]:
        """OpenSID semantics: PINDAH (status_dasar 3) in kelurahan A, a new record (new local id) in B."""
        k = self._pilih_hidup(lambda c: (umur_citra(c, self._hari) or 30) >= 17)
        if k is None:
            return []
        asal = k[0]
        tujuan = [kel for kel in self._kelurahan if (kel[:6] != asal[:6]) == antar_kecamatan and kel != asal]
        if not tujuan:
            return []
        lama = self.populasi.penduduk[k]
        citra = dict(lama)
        lama["status_dasar"] = 3
        self._keluar(k)
        keluar = self._catat("update", k)
        self._pakai(citra, self._keluarga_tujuan(self._rng.choice(tujuan), citra))
        return [keluar, self._baru_dibuat(citra)]

    def _pindah_keluar(self) -> list[Perubahan]:
        k = self._pilih_hidup()
        if k is None:
            return []
        self.populasi.penduduk[k]["status_dasar"] = 3
        self._keluar(k)
        return [self._catat("update", k)]

    def _pindah_masuk(self) -> list[Perubahan]:
        rng, hari = self._rng, self._hari
        k = self._hidup.acak(rng)
        kode = k[0] if k is not None else rng.choice(self._kelurahan)
        sex, umur = (1 if rng.random() < 0.55 else 2), rng.randint(18, 50)
        citra: dict[str, Any] = {}
        kk = self._keluarga_tujuan(kode, citra)
        citra = buat_citra(
            self.populasi, rng, kk, sex=sex, lahir=tanggal_lahir_acak(rng, umur, hari),
            kk_level=citra["kk_level"], status_kawin=1 if umur < 25 and rng.random() < 0.7 else 2,
            agama=AGAMA.ambil(rng), tanggal=hari,
            awalan=f"{rng.choice(ASAL_LUAR)}{rng.randint(1, 18):02d}",
        )  # fmt: skip
        return [self._baru_dibuat(citra)]

    def _ganti_nik(self) -> list[Perubahan]:
        """A temporary NIK (or "0") replaced by the real one."""
        pop, rng = self.populasi, self._rng
        while self._nik_sementara:
            i = rng.randrange(len(self._nik_sementara))
            k = self._nik_sementara[i]
            self._nik_sementara[i] = self._nik_sementara[-1]
            self._nik_sementara.pop()
            citra = pop.penduduk.get(k)
            if citra is None or citra["status_dasar"] != 1 or not citra["nik"].startswith("0"):
                continue
            lahir = citra["tanggallahir"]
            tanggal = dt.date.fromisoformat(lahir) if lahir else tanggal_lahir_acak(rng, 30, self._hari)
            citra["nik"] = pop.nik_baru(k[0][:6], tanggal, citra["sex"] == 2)
            return [self._catat("update", k)]
        return []

    def _hapus(self) -> list[Perubahan]:
        """A hard delete, usually of a record entered by mistake shortly before."""
        baru = [k for k in self._baru if k in self.populasi.penduduk]
        k = self._rng.choice(baru) if baru and self._rng.random() < 0.7 else self._pilih_hidup()
        if k is None:
            return []
        self._keluar(k)
        del self.populasi.penduduk[k]
        return [self._catat("delete", k)]

    def _ubah(self) -> list[Perubahan]:
        k = self._pilih_hidup()
        return [] if k is None else [rec for rec in [self._koreksi(k)] if rec is not None]

    def _koreksi(self, k: Kunci) -> Perubahan | None:
        """An attribute edit of record ``k`` (any status): up to three tries to find one that changes it."""
        citra = self.populasi.penduduk[k]
        for _ in range(3):
            if ubah_citra(self._rng, citra, JENIS_UBAH.ambil(self._rng), self._hari):
                return self._catat("update", k)
        return None
