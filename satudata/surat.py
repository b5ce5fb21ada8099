"""Issued letter images, OpenSID ``log_surat`` (Avro ``Surat``), without the letter's personal content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from satudata.perubahan import (
    Alasan,
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

SCHEMA_NAME = "satudata.simatik.PerubahanSurat"
KOLOM_KODE = {"status": "status_surat", "kecamatan": "status_surat_kecamatan"}
KOLOM_TEKS = ("kode_surat", "nama_surat")
_BENAR: dict[object, bool] = {
    1: True,
    0: False,
    "1": True,
    "0": False,
    "true": True,
    "false": False,
}  # True == 1


def _boolean(nilai: Any) -> Any:
    """``tte``: true/false, 1/0 or their text; anything else unchanged (and refused by the check)."""
    if isinstance(nilai, str):
        return _BENAR.get(nilai.strip().lower(), nilai)
    return _BENAR.get(nilai, nilai) if isinstance(nilai, int) else nilai  # bool is an int


def normalkan_citra(data: Mapping[str, Any], kode_kelurahan: str, record_id: int) -> dict[str, Any]:
    """JSON ``log_surat`` row → the Avro ``Surat`` shape."""
    citra: dict[str, Any] = {
        "id": record_id,
        "kode_kelurahan": ke_kelurahan(data.get("kode_kelurahan"), kode_kelurahan),
        "id_format_surat": ke_int(data.get("id_format_surat")),
    }
    for kolom in KOLOM_TEKS:
        citra[kolom] = ke_teks(data.get(kolom))
    citra["tanggal"] = ke_tanggal(data.get("tanggal"))
    for kolom in KOLOM_KODE:
        citra[kolom] = ke_int(data.get(kolom))
    citra["tte"] = _boolean(data.get("tte"))
    citra["id_pend"] = ke_int(data.get("id_pend"))
    return citra


def periksa_citra(citra: Mapping[str, Any], ref: ReferensiWilayah, batas_tanggal: dt.date) -> list[Alasan]:
    """Check a normalised letter image; ``tanggal`` may not be after ``batas_tanggal``."""
    alasan = periksa_kelurahan(citra, ref)
    alasan += periksa_id(citra, "id_format_surat")
    alasan += periksa_teks(citra, KOLOM_TEKS)
    alasan += periksa_tanggal(citra, "tanggal", batas_tanggal)
    alasan += periksa_kode(citra, KOLOM_KODE)
    tte = citra.get("tte")
    if tte is not None and not isinstance(tte, bool):
        alasan.append(Alasan("tipe-tidak-valid", f"tte {tte!r} harus true/false", "tte"))
    alasan += periksa_id(citra, "id_pend")
    return alasan
