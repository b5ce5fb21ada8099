"""Attribute edits of an existing resident image: a new job, more schooling, a marriage, a filled-in field…

Used by :class:`~connectors.simulator.perubahan.GeneratorPerubahan` for ``op="update"`` records that change
attributes rather than the status or address of a resident.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

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
    "golongan_darah": 12, "nama": 7,
})  # fmt: skip
KOLOM_KOSONGKAN = ("agama_id", "pendidikan_kk_id", "pekerjaan_id", "status_kawin", "kk_level",
                   "warganegara_id", "golongan_darah_id", "cacat_id")  # fmt: skip


def ubah_citra(rng: random.Random, c: dict[str, Any], jenis: str, hari: dt.date) -> bool:
    """Apply an edit of kind ``jenis`` (a :data:`JENIS_UBAH` value) to image ``c`` as of ``hari``.

    Returns whether the image changed (the drawn value may equal the current one).
    """
    umur = umur_citra(c, hari)
    u, sex = (35 if umur is None else umur), (c["sex"] or 1)
    kolom: str
    baru: Any
    if jenis == "pekerjaan":
        kolom, baru = "pekerjaan_id", pilih_pekerjaan(rng, u, sex)
    elif jenis == "pendidikan":
        lama = c["pendidikan_kk_id"]
        naik = lama is not None and lama < 10 and u >= 6
        kolom, baru = "pendidikan_kk_id", (lama + 1 if naik else pilih_pendidikan(rng, u))
    elif jenis == "status_kawin":
        lama = c["status_kawin"]
        pilihan = {1: 2 if u >= 17 else 1, 2: 3 if rng.random() < 0.4 else 4, 3: 2, 4: 2}
        kolom, baru = "status_kawin", pilihan.get(lama, 1 if u < 20 else 2)
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
            "golongan_darah_id": GOLONGAN_DARAH.ambil(rng),
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
