"""Attribute edits of an existing resident image: a new job, more schooling, a marriage, a filled-in field,
a KTP-el recorded, a birth certificate issued, a new insurance or KB method…

Used by :class:`~connectors.simulator.perubahan.GeneratorPerubahan` for ``op="update"`` records that change
attributes rather than the status or address of a resident.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from connectors.simulator.atribut import (
    akta_kawin_baru,
    akta_lahir_baru,
    ktp,
    pilih_asuransi,
    pilih_hamil,
    pilih_kb,
    pilih_sakit,
    pilih_sedang,
    usia_subur,
)
from connectors.simulator.sebaran import (
    AGAMA,
    GOLONGAN_DARAH,
    PELUANG_KOSONG,
    Undian,
    nama_acak,
    pilih_pekerjaan,
    pilih_pendidikan,
    tanggal_lahir_acak,
    umur_citra,
)

# Kinds of edit and their relative frequency.
JENIS_UBAH = Undian({
    "pekerjaan": 25, "pendidikan": 18, "status_kawin": 14, "agama": 1, "isi_kosong": 18, "kosongkan": 5,
    "golongan_darah": 12, "nama": 7, "ktp": 6, "akta_lahir": 4, "asuransi": 5, "kb": 4, "hamil": 3,
    "sakit_menahun": 2, "status_penduduk": 1, "pendidikan_sedang": 5,
})  # fmt: skip
KOLOM_KOSONGKAN = ("agama_id", "pendidikan_kk_id", "pekerjaan_id", "status_kawin", "kk_level",
                   "warganegara_id", "golongan_darah_id", "cacat_id", "pendidikan_sedang_id", "sakit_menahun_id",
                   "id_asuransi")  # fmt: skip


def ubah_citra(rng: random.Random, c: dict[str, Any], jenis: str, hari: dt.date) -> bool:
    """Apply an edit of kind ``jenis`` (a :data:`JENIS_UBAH` value) to image ``c`` as of ``hari``.

    Returns whether the image changed (the drawn value may equal the current one).
    """
    umur = umur_citra(c, hari)
    u, sex = (35 if umur is None else umur), (c["sex"] or 1)
    if jenis == "ktp":
        return _ktp(rng, c, u)
    kolom: str
    baru: Any
    if jenis in _UBAH_LAIN:
        kolom, baru = _UBAH_LAIN[jenis](rng, c, u, hari)
    elif jenis == "pekerjaan":
        kolom, baru = "pekerjaan_id", pilih_pekerjaan(rng, u, sex)
    elif jenis == "pendidikan":
        lama = c["pendidikan_kk_id"]
        naik = lama is not None and lama < 10 and u >= 6
        kolom, baru = "pendidikan_kk_id", (lama + 1 if naik else pilih_pendidikan(rng, u))
    elif jenis == "status_kawin":
        lama = c["status_kawin"]
        pilihan = {1: 2 if u >= 17 else 1, 2: 3 if rng.random() < 0.4 else 4, 3: 2, 4: 2}
        kolom, baru = "status_kawin", pilihan.get(lama, 1 if u < 20 else 2)
        if baru == 2 and lama != 2 and c["akta_perkawinan"] is None and rng.random() < 0.7:
            c["akta_perkawinan"] = akta_kawin_baru(rng, hari.year)
    elif jenis == "agama":
        kolom, baru = "agama_id", rng.choice([a for a in range(1, 7) if a != c["agama_id"]])
    elif jenis == "isi_kosong":
        kosong = [kol for kol in PELUANG_KOSONG if c[kol] is None]
        if not kosong:
            return False
        kolom = rng.choice(kosong)
        baru = {
            "sex": 1 + rng.randrange(2), "tanggallahir": tanggal_lahir_acak(rng, u, hari).isoformat(),
            "agama_id": AGAMA.ambil(rng), "pendidikan_kk_id": pilih_pendidikan(rng, u),
            "pekerjaan_id": pilih_pekerjaan(rng, u, sex), "status_kawin": 1 if u < 20 else 2,
            "kk_level": 4 if u < 25 else 9, "warganegara_id": 1, "cacat_id": 7,
            "golongan_darah_id": GOLONGAN_DARAH.ambil(rng), "pendidikan_sedang_id": pilih_sedang(rng, u),
            "sakit_menahun_id": pilih_sakit(rng, u), "id_asuransi": pilih_asuransi(rng, None, c["pekerjaan_id"]),
        }[kolom]  # fmt: skip
    elif jenis == "kosongkan":
        kolom, baru = rng.choice(KOLOM_KOSONGKAN), None
    elif jenis == "golongan_darah":
        kolom, baru = "golongan_darah_id", GOLONGAN_DARAH.ambil(rng)
    else:  # a corrected name
        kolom, baru = "nama", nama_acak(rng, sex, c["agama_id"])
    if c[kolom] == baru:
        return False
    c[kolom] = baru
    return True


def _ktp(rng: random.Random, c: dict[str, Any], umur: int) -> bool:
    """The KTP-el moves on: a child's KIA, a first recording, a card printed and issued, or a fresh entry."""
    lama = (c["ktp_el"], c["status_rekam"])
    wajib = umur >= 17 or c["status_kawin"] in (2, 3, 4)
    if None in lama or (wajib and lama[1] == 1):
        baru = ktp(rng, umur, c["status_kawin"])
    elif lama[1] == 2:
        baru = (2, 3)
    elif lama[1] != 1:
        baru = (2, 8)
    else:
        baru = (3, 1)
    c["ktp_el"], c["status_rekam"] = baru
    return baru != lama


def _lahir(c: dict[str, Any], hari: dt.date) -> dt.date:
    return dt.date.fromisoformat(c["tanggallahir"]) if c["tanggallahir"] else hari


def _subur(c: dict[str, Any], u: int) -> bool:
    return usia_subur(c["sex"], c["status_kawin"], u)


_UbahLain = Callable[[random.Random, dict[str, Any], int, dt.date], tuple[str, Any]]
_UBAH_LAIN: dict[str, _UbahLain] = {
    "akta_lahir": lambda rng, c, u, hari: (
        "akta_lahir",
        c["akta_lahir"] or akta_lahir_baru(rng, _lahir(c, hari)),
    ),
    "asuransi": lambda rng, c, u, hari: ("id_asuransi", pilih_asuransi(rng, None, c["pekerjaan_id"])),
    "kb": lambda rng, c, u, hari: ("cara_kb_id", pilih_kb(rng) if _subur(c, u) else None),
    "hamil": lambda rng, c, u, hari: ("hamil", pilih_hamil(rng) if _subur(c, u) else None),
    "sakit_menahun": lambda rng, c, u, hari: ("sakit_menahun_id", pilih_sakit(rng, u)),
    "status_penduduk": lambda rng, c, u, hari: ("status", 1 if c["status"] == 2 else 2),
    "pendidikan_sedang": lambda rng, c, u, hari: ("pendidikan_sedang_id", pilih_sedang(rng, u)),
}
