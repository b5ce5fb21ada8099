"""Resident (penduduk) images, OpenSID ``tweb_penduduk``: normalisation and checks of the Avro ``Penduduk``.

A change arrives as JSON from a kelurahan system (see :func:`periksa_perubahan`), becomes a
``satudata.simatik.PerubahanPenduduk`` Avro record keyed ``"<kode_kelurahan>:<id>"``, and is checked again by the
stream (:func:`periksa_envelope`) because producers other than the API may write the topic. The envelope part
is generic (:mod:`satudata.perubahan`, :mod:`satudata.jenis`); this module has the resident image.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from satudata.perubahan import (
    EVENT_NAMESPACE,
    LONG_MAKS,
    OPERASI,
    TANGGAL_MIN,
    WITA,
    Alasan,
    PerubahanValid,
    bilangan_bulat,
    jenis_nik,
    ke_int,
    ke_kelurahan,
    ke_tanggal,
    ke_teks,
    kunci,
    periksa_kelurahan,
    periksa_kode,
    periksa_teks,
)
from satudata.wilayah import ReferensiWilayah

__all__ = [
    "EVENT_NAMESPACE",
    "KOLOM_KODE",
    "KOLOM_TEKS",
    "LONG_MAKS",
    "OPERASI",
    "SCHEMA_NAME",
    "TANGGAL_LAHIR_MIN",
    "WITA",
    "Alasan",
    "PerubahanValid",
    "jenis_nik",
    "kunci",
    "normalkan_citra",
    "periksa_citra",
    "periksa_envelope",
    "periksa_perubahan",
]

SCHEMA_NAME = "satudata.simatik.PerubahanPenduduk"
TANGGAL_LAHIR_MIN = TANGGAL_MIN

# Code columns of the resident image → OpenSID code list.
KOLOM_KODE = {
    "sex": "jenis_kelamin",
    "agama_id": "agama",
    "pendidikan_kk_id": "pendidikan_kk",
    "pekerjaan_id": "pekerjaan",
    "status_kawin": "status_kawin",
    "kk_level": "hubungan_kk",
    "warganegara_id": "warganegara",
    "golongan_darah_id": "golongan_darah",
    "cacat_id": "cacat",
    "status_dasar": "status_dasar",
    "pendidikan_sedang_id": "pendidikan_sedang",
    "status": "status_penduduk",
    "sakit_menahun_id": "sakit_menahun",
    "cara_kb_id": "cara_kb",
    "hamil": "hamil",
    "id_asuransi": "asuransi",
    "ktp_el": "ktp_el",
    "status_rekam": "status_rekam",
}
KOLOM_TEKS = (
    "nama",
    "no_kk",
    "dusun",
    "rw",
    "rt",
    "alamat_sekarang",
    "tempatlahir",
    "bpjs_ketenagakerjaan",
    "akta_lahir",
    "akta_perkawinan",
    "suku",
)


def periksa_citra(citra: Mapping[str, Any], ref: ReferensiWilayah, batas_tanggal: dt.date) -> list[Alasan]:
    """Check a normalised resident image (ints, ``date`` objects). ``batas_tanggal``: latest sane date."""
    alasan: list[Alasan] = []
    nik = citra.get("nik")
    if not isinstance(nik, str) or jenis_nik(nik) is None:
        alasan.append(
            Alasan("nik-tidak-valid", f'NIK {nik!r} harus 16 digit, NIK sementara, atau "0"', "nik")
        )
    nama = citra.get("nama")
    if not isinstance(nama, str) or not nama.strip():
        alasan.append(Alasan("nama-kosong", "nama penduduk wajib diisi", "nama"))
    no_kk = citra.get("no_kk")
    if no_kk is not None and (not isinstance(no_kk, str) or jenis_nik(no_kk) is None):
        alasan.append(Alasan("no-kk-tidak-valid", f'nomor KK {no_kk!r} harus 16 digit atau "0"', "no_kk"))
    alasan += periksa_teks(citra, tuple(k for k in KOLOM_TEKS if k not in ("nama", "no_kk")))
    id_kk = citra.get("id_kk")
    if id_kk is not None and (not bilangan_bulat(id_kk) or not -LONG_MAKS <= id_kk <= LONG_MAKS):
        alasan.append(Alasan("tipe-tidak-valid", f"id_kk {id_kk!r} harus bilangan bulat", "id_kk"))
    alasan += periksa_kelurahan(citra, ref)
    alasan += periksa_kode(citra, KOLOM_KODE, wajib=("status_dasar",))
    lahir = citra.get("tanggallahir")
    if lahir is not None and (
        not isinstance(lahir, dt.date) or not TANGGAL_LAHIR_MIN <= lahir <= batas_tanggal
    ):
        alasan.append(
            Alasan(
                "tanggal-lahir-tidak-wajar",
                f"tanggal lahir {lahir} harus antara {TANGGAL_LAHIR_MIN} dan {batas_tanggal}",
                "tanggallahir",
            )
        )
    return alasan


def normalkan_citra(data: Mapping[str, Any], kode_kelurahan: str, record_id: int) -> dict[str, Any]:
    """JSON image → the Avro ``Penduduk`` shape (unknown keys dropped, types coerced where unambiguous)."""
    citra: dict[str, Any] = {"id": record_id, "nik": data.get("nik"), "id_kk": ke_int(data.get("id_kk"))}
    for kolom in KOLOM_TEKS:
        citra[kolom] = ke_teks(data.get(kolom))
    citra["nik"] = str(citra["nik"]) if isinstance(citra["nik"], int) else citra["nik"]
    citra["kode_kelurahan"] = ke_kelurahan(data.get("kode_kelurahan"), kode_kelurahan)
    for kolom in KOLOM_KODE:
        citra[kolom] = ke_int(data.get(kolom))
    if citra["status_dasar"] is None:
        citra["status_dasar"] = 1
    citra["tanggallahir"] = ke_tanggal(data.get("tanggallahir"))
    return citra


# -- the resident record type through the generic path (kept for streams/ and the simulator) --


def periksa_perubahan(
    raw: Any, ref: ReferensiWilayah, *, sekarang: dt.datetime
) -> PerubahanValid | list[Alasan]:
    """Validate one JSON resident change and build its ``PerubahanPenduduk`` envelope, or say why not."""
    from satudata import jenis  # late: satudata.jenis imports this module

    return jenis.periksa_perubahan(jenis.JENIS["penduduk"], raw, ref, sekarang=sekarang)


def periksa_envelope(envelope: Mapping[str, Any], ref: ReferensiWilayah) -> list[Alasan]:
    """Stream-side check of a decoded ``PerubahanPenduduk``; deterministic (dates judged by the event's ts)."""
    from satudata import jenis

    return jenis.periksa_envelope(jenis.JENIS["penduduk"], envelope, ref)
