"""The change stream of the synthetic city, in the JSON shape of the hub's ``POST /v1/penduduk/events``.

A change record::

    {"op": "create"|"update"|"delete"|"snapshot", "kode_kelurahan": "5272011001", "id": 123, "version": 4,
     "ts": "2026-12-04T10:15:00.123+08:00", "event_id": "<uuid>", "sistem": "SIMULATOR", "data": {image}|None}

:class:`GeneratorPerubahan` mutates the :class:`~connectors.simulator.populasi.Populasi` as it goes, so the
population after the stream is the truth (:func:`keadaan_akhir`). Deliberate duplicates and reorders only
touch the emitted records, never the truth: the truth of each key is always its highest version.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from connectors.simulator import populasi as ps
from connectors.simulator.populasi import Keluarga, Kunci, Populasi, Undian

Perubahan = dict[str, Any]
WITA = dt.timezone(dt.timedelta(hours=8), "WITA")
SISTEM = "SIMULATOR"
_RIWAYAT = 2000  # how many earlier records a duplicate is drawn from
_NAMESPACE = uuid.UUID("0f6f3c52-7201-4b1a-9d5e-5272b1a5a7e0")
# Logical changes and their relative frequency.
JENIS_PERUBAHAN = Undian({
    "lahir": 14, "mati": 5, "pindah_dalam": 9, "pindah_kelurahan": 6, "pindah_kecamatan": 6,
    "pindah_keluar": 3, "pindah_masuk": 7, "ubah": 46, "ganti_nik": 3, "hapus": 1,
})  # fmt: skip
_JENIS_UBAH = Undian({
    "pekerjaan": 25, "pendidikan": 18, "status_kawin": 14, "agama": 1, "isi_kosong": 18, "kosongkan": 5,
    "golongan_darah": 12, "nama": 7,
})  # fmt: skip
_KOLOM_KOSONGKAN = ("agama_id", "pendidikan_kk_id", "pekerjaan_id", "status_kawin", "kk_level",
                    "warganegara_id", "golongan_darah_id", "cacat_id")  # fmt: skip


def _ts(waktu: dt.datetime) -> str:
    return waktu.astimezone(WITA).isoformat(timespec="milliseconds")


def _umur(citra: dict[str, Any], tanggal: dt.date) -> int | None:
    lahir = citra.get("tanggallahir")
    return ps.umur_pada(dt.date.fromisoformat(lahir), tanggal) if lahir else None


def snapshot(populasi: Populasi, waktu: dt.datetime | None = None) -> Iterator[Perubahan]:
    """Initial load: one ``op="snapshot"`` per record at its current version (1 after ``buat_populasi``).

    ``waktu`` (default: ``tanggal_acuan`` 00:00 WITA) is the ``ts`` of every record; event ids derive from
    seed, scale, key and version, so the same population always gives the same snapshot.
    """
    ts = _ts(waktu or dt.datetime.combine(populasi.tanggal_acuan, dt.time(), WITA))
    for (kode, rid), citra in populasi.penduduk.items():
        versi = populasi.versi[(kode, rid)]
        nama = f"{populasi.seed}:{populasi.skala}:{populasi.tanggal_acuan}:{kode}:{rid}:{versi}:snapshot"
        yield {
            "op": "snapshot", "kode_kelurahan": kode, "id": rid, "version": versi, "ts": ts,
            "event_id": str(uuid.uuid5(_NAMESPACE, nama)), "sistem": SISTEM, "data": dict(citra),
        }  # fmt: skip


def keadaan_akhir(populasi: Populasi) -> dict[Kunci, dict[str, Any] | None]:
    """Final image of every key ever emitted (``None`` for hard-deleted records)."""
    return {k: (dict(populasi.penduduk[k]) if k in populasi.penduduk else None) for k in populasi.versi}


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
        rec = {
            "op": op, "kode_kelurahan": k[0], "id": k[1], "version": pop.versi[k], "ts": _ts(self._waktu),
            "event_id": str(uuid.UUID(int=self._rng.getrandbits(128), version=4)), "sistem": SISTEM,
            "data": dict(citra) if citra is not None and op != "delete" else None,
        }  # fmt: skip
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
        dewasa = (_umur(citra, self._hari) or 30) >= 17 if citra else True
        if k is None or (dewasa and self._rng.random() < 0.6):
            citra["kk_level"] = 1
            return ps.keluarga_baru(self.populasi, self._rng, kode, self._hari)
        citra["kk_level"] = 9 if self._rng.random() < 0.8 else 11
        return ps.keluarga_dari(self.populasi.penduduk[k])

    @staticmethod
    def _pakai(citra: dict[str, Any], kk: Keluarga) -> None:
        citra.update(
            kode_kelurahan=kk.kode_kelurahan, id_kk=kk.id_kk, no_kk=kk.no_kk, dusun=kk.klaster[0],
            rw=kk.klaster[1], rt=kk.klaster[2], alamat_sekarang=kk.alamat, status_dasar=1,
        )  # fmt: skip

    # -- logical changes --

    def _lahir(self) -> list[Perubahan]:
        rng, hari = self._rng, self._hari
        k = self._pilih_hidup(lambda c: c["kk_level"] in (1, 2, 3) and 18 <= (_umur(c, hari) or 0) <= 50)
        if k is None:
            return []
        induk = self.populasi.penduduk[k]
        kk = ps.keluarga_dari(induk)
        citra = ps.buat_citra(
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
        k = max(calon, key=lambda c: _umur(self.populasi.penduduk[c], self._hari) or 40)
        self.populasi.penduduk[k]["status_dasar"] = 2
        self._keluar(k)
        return [self._catat("update", k)]

    def _pindah_dalam(self) -> list[Perubahan]:
        k = self._pilih_hidup()
        if k is None:
            return []
        citra = self.populasi.penduduk[k]
        klaster = self._rng.choice(self.populasi.klaster[k[0]])
        alamat = ps.alamat_acak(self._rng, klaster)
        citra.update(dusun=klaster[0], rw=klaster[1], rt=klaster[2], alamat_sekarang=alamat)
        return [self._catat("update", k)]

    def _pindah(self, *, antar_kecamatan: bool) -> list[Perubahan]:
        """OpenSID semantics: PINDAH (status_dasar 3) in kelurahan A, a new record (new local id) in B."""
        k = self._pilih_hidup(lambda c: (_umur(c, self._hari) or 30) >= 17)
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
        citra = ps.buat_citra(
            self.populasi, rng, kk, sex=sex, lahir=ps.tanggal_lahir_acak(rng, umur, hari),
            kk_level=citra["kk_level"], status_kawin=1 if umur < 25 and rng.random() < 0.7 else 2,
            agama=ps.AGAMA.ambil(rng), tanggal=hari,
            awalan=f"{rng.choice(ps.ASAL_LUAR)}{rng.randint(1, 18):02d}",
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
            tanggal = dt.date.fromisoformat(lahir) if lahir else ps.tanggal_lahir_acak(rng, 30, self._hari)
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
            if self._ubah_citra(citra, _JENIS_UBAH.ambil(self._rng)):
                return self._catat("update", k)
        return None

    def _ubah_citra(self, c: dict[str, Any], jenis: str) -> bool:
        rng, hari = self._rng, self._hari
        umur = _umur(c, hari)
        u, sex = (35 if umur is None else umur), (c["sex"] or 1)
        kolom: str
        baru: Any
        if jenis == "pekerjaan":
            kolom, baru = "pekerjaan_id", ps.pilih_pekerjaan(rng, u, sex)
        elif jenis == "pendidikan":
            lama = c["pendidikan_kk_id"]
            naik = lama is not None and lama < 10 and u >= 6
            kolom, baru = "pendidikan_kk_id", (lama + 1 if naik else ps.pilih_pendidikan(rng, u))
        elif jenis == "status_kawin":
            lama = c["status_kawin"]
            pilihan = {1: 2 if u >= 17 else 1, 2: 3 if rng.random() < 0.4 else 4, 3: 2, 4: 2}
            kolom, baru = "status_kawin", pilihan.get(lama, 1 if u < 20 else 2)
        elif jenis == "agama":
            kolom, baru = "agama_id", rng.choice([a for a in range(1, 7) if a != c["agama_id"]])
        elif jenis == "isi_kosong":
            kosong = [kol for kol in ps.PELUANG_KOSONG if c[kol] is None]
            if not kosong:
                return False
            kolom = rng.choice(kosong)
            baru = {
                "sex": 1 + rng.randrange(2), "tanggallahir": ps.tanggal_lahir_acak(rng, u, hari).isoformat(),
                "agama_id": ps.AGAMA.ambil(rng), "pendidikan_kk_id": ps.pilih_pendidikan(rng, u),
                "pekerjaan_id": ps.pilih_pekerjaan(rng, u, sex), "status_kawin": 1 if u < 20 else 2,
                "kk_level": 4 if u < 25 else 9, "warganegara_id": 1, "cacat_id": 7,
                "golongan_darah_id": ps.GOLONGAN_DARAH.ambil(rng),
            }[kolom]  # fmt: skip
        elif jenis == "kosongkan":
            kolom, baru = rng.choice(_KOLOM_KOSONGKAN), None
        elif jenis == "golongan_darah":
            kolom, baru = "golongan_darah_id", ps.GOLONGAN_DARAH.ambil(rng)
        else:  # a corrected name
            kolom, baru = "nama", ps.nama_acak(rng, sex, c["agama_id"])
        if c[kolom] == baru:
            return False
        c[kolom] = baru
        return True
