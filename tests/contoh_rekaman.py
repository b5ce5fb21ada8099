"""A valid JSON change of every record type (docs/rekaman.md), for the unit and integration tests.

Image dates are on or before 1 July 2026 (WITA); a change recorded earlier than that must override them.
"""

from __future__ import annotations

from typing import Any

CITRA: dict[str, dict[str, Any]] = {
    "penduduk": {
        "nik": "5272014101900001",
        "nama": "SITI AMINAH",
        "kode_kelurahan": "5272011001",
        "sex": 2,
        "tanggallahir": "1990-01-01",
        "status_dasar": 1,
        "pendidikan_sedang_id": 18,
        "status": 1,
        "sakit_menahun_id": 14,
        "cara_kb_id": "2",
        "hamil": 2,
        "id_asuransi": 2,
        "bpjs_ketenagakerjaan": 12345678901,
        "akta_lahir": "5272-LU-01011990-0001",
        "ktp_el": 2,
        "status_rekam": 8,
        "suku": "MBOJO",
    },
    "keluarga": {
        "no_kk": "5272010101150001",
        "nik_kepala": 7,
        "kode_kelurahan": "52.72.01.1001",
        "rt": 2,
        "alamat": "JL. SULTAN HASANUDDIN NO. 7",
        "kelas_sosial": 2,
        "tgl_daftar": "2015-01-01",
        "jenis_kelamin_kepala": 1,
    },
    "peristiwa": {
        "id_pend": 7,
        "kode_peristiwa": 3,
        "tgl_peristiwa": "2026-06-28",
        "tgl_lapor": "2026-07-01",
        "ref_pindah": 1,
        "kode_kelurahan_tujuan": "52.72.02.1004",
        "jenis_kelamin": 2,
        "warganegara_id": 1,
    },
    "peristiwa-keluarga": {
        "id_kk": 12,
        "id_peristiwa": 12,
        "tgl_peristiwa": "2026-06-28",
        "tgl_lapor": "2026-06-30",
        "id_pend": "7",
        "jenis_kelamin_kepala": 1,
    },
    "bantuan-program": {
        "nama": "BPNT",
        "sasaran": 2,
        "asaldana": " pusat ",
        "sdate": "2026-01-01",
        "edate": "2027-12-31",
        "status": 1,
    },
    "bantuan-peserta": {
        "program_id": 3,
        "sasaran": 1,
        "peserta": 5272014101900001,
        "no_id_kartu": "KKS-0001",
        "id_penduduk": 7,
        "jenis_kelamin": 2,
    },
    "surat": {
        "id_format_surat": 4,
        "kode_surat": "S-01",
        "nama_surat": "Surat Keterangan Domisili",
        "tanggal": "2026-07-01",
        "status": 1,
        "kecamatan": 1,
        "tte": "true",
        "id_pend": 7,
    },
}


def perubahan(nama: str, **over: Any) -> dict[str, Any]:
    """A valid change of ``nama`` (record 7 of kelurahan 5272011001, version 3, recorded at 09:00 WITA on
    1 July 2026 unless ``ts=`` says otherwise); ``data={...}`` is merged into the image, ``data=None`` drops it.
    """
    extra = over.pop("data", {})
    raw: dict[str, Any] = {
        "op": "create",
        "kode_kelurahan": "5272011001",
        "id": 7,
        "version": 3,
        "ts": "2026-07-01T09:00:00+08:00",
        "data": None if extra is None else CITRA[nama] | extra,
    }
    return raw | over
