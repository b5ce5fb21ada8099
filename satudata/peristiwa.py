"""Population and family event images: OpenSID ``log_penduduk`` (Avro ``Peristiwa``) and ``log_keluarga``
(Avro ``PeristiwaKeluarga``), the natural source of the monthly mutation report.

Both carry ``tgl_peristiwa`` (when it happened) and ``tgl_lapor`` (when it was reported): neither may be after
the change's own date, and a report cannot precede its event. Fields a statistic needs from another table
(the resident's sex and citizenship, the head's sex) are denormalised by the SIMATIK outbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from satudata.perubahan import (
    Alasan,
    ke_int,
    ke_kelurahan,
    ke_tanggal,
    periksa_id,
    periksa_kelurahan,
    periksa_kode,
    periksa_tanggal,
    periksa_urutan,
)
from satudata.wilayah import KodeWilayahError, ReferensiWilayah, tanpa_titik

SCHEMA_NAME = "satudata.simatik.PerubahanPeristiwa"
SCHEMA_NAME_KELUARGA = "satudata.simatik.PerubahanPeristiwaKeluarga"

KOLOM_KODE = {
    "kode_peristiwa": "peristiwa",
    "ref_pindah": "ref_pindah",
    "sebab": "penyebab_kematian",
    "penolong_mati": "penolong_mati",
    "jenis_kelamin": "jenis_kelamin",
    "warganegara_id": "warganegara",
}
KOLOM_KODE_KELUARGA = {"id_peristiwa": "peristiwa_keluarga", "jenis_kelamin_kepala": "jenis_kelamin"}
KOLOM_TANGGAL = ("tgl_peristiwa", "tgl_lapor")


def _tanggal(citra: dict[str, Any], data: Mapping[str, Any]) -> None:
    for kolom in KOLOM_TANGGAL:
        citra[kolom] = ke_tanggal(data.get(kolom))


def _periksa_tanggal(citra: Mapping[str, Any], batas_tanggal: dt.date) -> list[Alasan]:
    alasan = [a for kolom in KOLOM_TANGGAL for a in periksa_tanggal(citra, kolom, batas_tanggal)]
    return alasan or periksa_urutan(citra, "tgl_peristiwa", "tgl_lapor")


def _kelurahan_tujuan(nilai: Any) -> Any:
    if nilai is None or nilai == "":
        return None
    try:
        return tanpa_titik(str(nilai))
    except KodeWilayahError:
        return str(nilai)


def normalkan_citra(data: Mapping[str, Any], kode_kelurahan: str, record_id: int) -> dict[str, Any]:
    """JSON ``log_penduduk`` row → the Avro ``Peristiwa`` shape."""
    citra: dict[str, Any] = {
        "id": record_id,
        "kode_kelurahan": ke_kelurahan(data.get("kode_kelurahan"), kode_kelurahan),
        "id_pend": ke_int(data.get("id_pend")),
    }
    for kolom in KOLOM_KODE:
        citra[kolom] = ke_int(data.get(kolom))
    _tanggal(citra, data)
    citra["kode_kelurahan_tujuan"] = _kelurahan_tujuan(data.get("kode_kelurahan_tujuan"))
    return citra


def periksa_citra(citra: Mapping[str, Any], ref: ReferensiWilayah, batas_tanggal: dt.date) -> list[Alasan]:
    """Check a normalised ``Peristiwa`` image; dates may not be after ``batas_tanggal``."""
    alasan = periksa_kelurahan(citra, ref)
    alasan += periksa_id(citra, "id_pend", wajib=True)
    alasan += periksa_kode(citra, KOLOM_KODE, wajib=("kode_peristiwa",))
    alasan += _periksa_tanggal(citra, batas_tanggal)
    alasan += periksa_kelurahan(citra, ref, "kode_kelurahan_tujuan")
    return alasan


def normalkan_citra_keluarga(data: Mapping[str, Any], kode_kelurahan: str, record_id: int) -> dict[str, Any]:
    """JSON ``log_keluarga`` row → the Avro ``PeristiwaKeluarga`` shape."""
    citra: dict[str, Any] = {
        "id": record_id,
        "kode_kelurahan": ke_kelurahan(data.get("kode_kelurahan"), kode_kelurahan),
        "id_kk": ke_int(data.get("id_kk")),
        "id_pend": ke_int(data.get("id_pend")),
    }
    for kolom in KOLOM_KODE_KELUARGA:
        citra[kolom] = ke_int(data.get(kolom))
    _tanggal(citra, data)
    return citra


def periksa_citra_keluarga(
    citra: Mapping[str, Any], ref: ReferensiWilayah, batas_tanggal: dt.date
) -> list[Alasan]:
    """Check a normalised ``PeristiwaKeluarga`` image; dates may not be after ``batas_tanggal``."""
    alasan = periksa_kelurahan(citra, ref)
    alasan += periksa_id(citra, "id_kk", wajib=True)
    alasan += periksa_id(citra, "id_pend")
    alasan += periksa_kode(citra, KOLOM_KODE_KELUARGA, wajib=("id_peristiwa",))
    alasan += _periksa_tanggal(citra, batas_tanggal)
    return alasan
