"""Social assistance images: programmes (OpenSID ``program``, Avro ``ProgramBantuan``) and their
participants (``program_peserta``, Avro ``PesertaBantuan``).

A participant (``peserta``) is a NIK, a KK number, an RTM number or a kelompok id depending on the
programme's ``sasaran``; it is personal data and stays in the source topic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from satudata.kode import daftar
from satudata.perubahan import (
    Alasan,
    bilangan_bulat,
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
    periksa_urutan,
)
from satudata.wilayah import ReferensiWilayah

SCHEMA_NAME_PROGRAM = "satudata.simatik.PerubahanProgramBantuan"
SCHEMA_NAME_PESERTA = "satudata.simatik.PerubahanPesertaBantuan"
STATUS_PROGRAM = {0: "TIDAK AKTIF", 1: "AKTIF"}
SASARAN_PENDUDUK, SASARAN_KELUARGA = 1, 2
PESERTA_MAKS = 100  # longest RTM number / kelompok id accepted as text


def _asal_dana(nilai: Any) -> Any:
    """The canonical ``ASALDANA`` label for a label sent in any case or spacing; anything else unchanged."""
    if not isinstance(nilai, str):
        return nilai
    rapi = " ".join(nilai.split()).casefold()
    return next((label for label in daftar("asal_dana").label.values() if label.casefold() == rapi), nilai)


def normalkan_program(data: Mapping[str, Any], kode_kelurahan: str, record_id: int) -> dict[str, Any]:
    """JSON ``program`` row → the Avro ``ProgramBantuan`` shape."""
    return {
        "id": record_id,
        "kode_kelurahan": ke_kelurahan(data.get("kode_kelurahan"), kode_kelurahan),
        "nama": ke_teks(data.get("nama")),
        "sasaran": ke_int(data.get("sasaran")),
        "asaldana": _asal_dana(data.get("asaldana")),
        "sdate": ke_tanggal(data.get("sdate")),
        "edate": ke_tanggal(data.get("edate")),
        "status": ke_int(data.get("status")),
    }


def periksa_program(citra: Mapping[str, Any], ref: ReferensiWilayah, batas_tanggal: dt.date) -> list[Alasan]:
    """Check a normalised programme image. Its period may lie in the future, so ``batas_tanggal`` is unused."""
    alasan = periksa_kelurahan(citra, ref)
    nama = citra.get("nama")
    if not isinstance(nama, str) or not nama.strip():
        alasan.append(Alasan("nama-kosong", "nama program bantuan wajib diisi", "nama"))
    alasan += periksa_kode(citra, {"sasaran": "sasaran_bantuan"}, wajib=("sasaran",))
    asal = citra.get("asaldana")
    if asal is not None and asal not in daftar("asal_dana").label.values():
        pilihan = ", ".join(daftar("asal_dana").label.values())
        alasan.append(
            Alasan("kode-di-luar-daftar", f"asaldana {asal!r} harus salah satu dari {pilihan}", "asaldana")
        )
    status = citra.get("status")
    if status is not None and (not bilangan_bulat(status) or status not in STATUS_PROGRAM):
        alasan.append(
            Alasan("kode-di-luar-daftar", f"status {status!r} harus 1 (aktif) atau 0 (tidak)", "status")
        )
    for kolom in ("sdate", "edate"):
        alasan += periksa_tanggal(citra, kolom, None)
    return alasan + periksa_urutan(citra, "sdate", "edate")


def normalkan_peserta(data: Mapping[str, Any], kode_kelurahan: str, record_id: int) -> dict[str, Any]:
    """JSON ``program_peserta`` row → the Avro ``PesertaBantuan`` shape."""
    return {
        "id": record_id,
        "kode_kelurahan": ke_kelurahan(data.get("kode_kelurahan"), kode_kelurahan),
        "program_id": ke_int(data.get("program_id")),
        "sasaran": ke_int(data.get("sasaran")),
        "peserta": ke_teks(data.get("peserta")),
        "no_id_kartu": ke_teks(data.get("no_id_kartu")),
        "id_penduduk": ke_int(data.get("id_penduduk")),
        "id_keluarga": ke_int(data.get("id_keluarga")),
        "jenis_kelamin": ke_int(data.get("jenis_kelamin")),
    }


def _periksa_peserta(peserta: Any, sasaran: Any) -> list[Alasan]:
    if sasaran in (SASARAN_PENDUDUK, SASARAN_KELUARGA):
        if isinstance(peserta, str) and jenis_nik(peserta) is not None:
            return []
        nomor = "NIK" if sasaran == SASARAN_PENDUDUK else "nomor KK"
        pesan = f'peserta {peserta!r} harus {nomor} 16 digit atau "0" untuk sasaran {sasaran}'
    elif isinstance(peserta, str) and peserta.strip() and len(peserta) <= PESERTA_MAKS:
        return []
    else:
        pesan = f"peserta {peserta!r} harus teks 1–{PESERTA_MAKS} karakter"
    return [Alasan("peserta-tidak-valid", pesan, "peserta")]


def periksa_peserta(citra: Mapping[str, Any], ref: ReferensiWilayah, batas_tanggal: dt.date) -> list[Alasan]:
    """Check a normalised participant image (``peserta`` format follows ``sasaran``)."""
    alasan = periksa_kelurahan(citra, ref)
    alasan += periksa_id(citra, "program_id", wajib=True)
    kode = periksa_kode(citra, {"sasaran": "sasaran_bantuan", "jenis_kelamin": "jenis_kelamin"})
    alasan += kode
    sasaran = citra.get("sasaran") if not any(a.kolom == "sasaran" for a in kode) else None
    alasan += _periksa_peserta(citra.get("peserta"), sasaran)
    alasan += periksa_teks(citra, ("no_id_kartu",))
    alasan += periksa_id(citra, "id_penduduk")
    alasan += periksa_id(citra, "id_keluarga")
    return alasan
