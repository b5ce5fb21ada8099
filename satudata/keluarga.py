"""Family (keluarga) images, OpenSID ``tweb_keluarga``: normalisation and checks of the Avro ``Keluarga``.

``nik_kepala`` holds the head's ``tweb_penduduk.id`` (not a NIK), as in OpenSID; the head's sex is
denormalised into ``jenis_kelamin_kepala`` by the SIMATIK outbox (the hub never joins streams).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from satudata.perubahan import (
    Alasan,
    jenis_nik,
    ke_int,
    ke_kelurahan,
    ke_tanggal,
    ke_teks,
    periksa_id,
    periksa_kelurahan,
    periksa_kode,
    periksa_tanggal,
    periksa_teks,
)
from satudata.wilayah import ReferensiWilayah

SCHEMA_NAME = "satudata.simatik.PerubahanKeluarga"
STATUS_DASAR_AKTIF = 1

KOLOM_KODE = {
    "kelas_sosial": "kelas_sosial",
    "status_dasar": "status_dasar_kk",
    "jenis_kelamin_kepala": "jenis_kelamin",
}
KOLOM_TEKS = ("dusun", "rw", "rt", "alamat")


def normalkan_citra(data: Mapping[str, Any], kode_kelurahan: str, record_id: int) -> dict[str, Any]:
    """JSON image → the Avro ``Keluarga`` shape (unknown keys dropped; a missing status_dasar is 1, aktif)."""
    citra: dict[str, Any] = {
        "id": record_id,
        "no_kk": ke_teks(data.get("no_kk")),
        "nik_kepala": ke_int(data.get("nik_kepala")),
        "kode_kelurahan": ke_kelurahan(data.get("kode_kelurahan"), kode_kelurahan),
    }
    for kolom in KOLOM_TEKS:
        citra[kolom] = ke_teks(data.get(kolom))
    for kolom in KOLOM_KODE:
        citra[kolom] = ke_int(data.get(kolom))
    if citra["status_dasar"] is None:
        citra["status_dasar"] = STATUS_DASAR_AKTIF
    citra["tgl_daftar"] = ke_tanggal(data.get("tgl_daftar"))
    return citra


def periksa_citra(citra: Mapping[str, Any], ref: ReferensiWilayah, batas_tanggal: dt.date) -> list[Alasan]:
    """Check a normalised family image. ``batas_tanggal``: latest sane date (the change's WITA date)."""
    alasan: list[Alasan] = []
    no_kk = citra.get("no_kk")
    if not isinstance(no_kk, str) or jenis_nik(no_kk) is None:
        alasan.append(Alasan("no-kk-tidak-valid", f'nomor KK {no_kk!r} harus 16 digit atau "0"', "no_kk"))
    alasan += periksa_id(citra, "nik_kepala")
    alasan += periksa_kelurahan(citra, ref)
    alasan += periksa_teks(citra, KOLOM_TEKS)
    alasan += periksa_kode(citra, KOLOM_KODE, wajib=("status_dasar",))
    alasan += periksa_tanggal(citra, "tgl_daftar", batas_tanggal)
    return alasan
