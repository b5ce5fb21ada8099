"""Resident (penduduk) change records: validation at the edge and in the stream, and the Avro envelope.

A change arrives as JSON from a kelurahan system (see :func:`periksa_perubahan`), becomes a
``satudata.simatik.PerubahanPenduduk`` Avro record keyed ``"<kode_kelurahan>:<id>"``, and is checked again by the
stream (:func:`periksa_citra`) because producers other than the API may write the topic.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from satudata.kode import daftar
from satudata.wilayah import KodeWilayahError, ReferensiWilayah, tanpa_titik

SCHEMA_NAME = "satudata.simatik.PerubahanPenduduk"
OPERASI = ("create", "update", "delete", "snapshot")
WITA = dt.timezone(dt.timedelta(hours=8), "WITA")
TANGGAL_LAHIR_MIN = dt.date(1900, 1, 1)
EVENT_NAMESPACE = uuid.UUID("5b7e0d36-2c1a-4f0e-9a55-6f1f3c0b5272")
LONG_MAKS = 2**63 - 1  # largest Avro long (id, version, id_kk)
_BILANGAN = re.compile(r"-?[0-9]+")

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
}
KOLOM_TEKS = ("nama", "no_kk", "dusun", "rw", "rt", "alamat_sekarang", "tempatlahir")


@dataclass(frozen=True, slots=True)
class Alasan:
    """Why a record was rejected: a stable code, the field, and a sentence in Bahasa Indonesia."""

    kode: str
    pesan: str
    kolom: str | None = None


def kunci(kode_kelurahan: str, record_id: int) -> str:
    """Kafka record key: ``"5272011001:123"`` — never the NIK (it changes, repeats and can be "0")."""
    return f"{kode_kelurahan}:{record_id}"


def jenis_nik(nik: str) -> str | None:
    """``tetap`` (16 digits), ``sementara`` (16 digits starting with 0), ``nol`` ("0"), or None if invalid."""
    if nik == "0":
        return "nol"
    if len(nik) == 16 and nik.isdigit():
        return "sementara" if nik.startswith("0") else "tetap"
    return None


def periksa_citra(citra: Mapping[str, Any], ref: ReferensiWilayah, *, batas_tanggal: dt.date) -> list[Alasan]:
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
    for kolom in KOLOM_TEKS:
        nilai = citra.get(kolom)
        if kolom not in ("nama", "no_kk") and nilai is not None and not isinstance(nilai, str):
            alasan.append(Alasan("tipe-tidak-valid", f"{kolom} = {nilai!r} harus teks", kolom))
    id_kk = citra.get("id_kk")
    if id_kk is not None and (
        isinstance(id_kk, bool) or not isinstance(id_kk, int) or not -LONG_MAKS <= id_kk <= LONG_MAKS
    ):
        alasan.append(Alasan("tipe-tidak-valid", f"id_kk {id_kk!r} harus bilangan bulat", "id_kk"))
    try:
        ref.kelurahan(str(citra.get("kode_kelurahan", "")))
    except KodeWilayahError as exc:
        alasan.append(Alasan("kode-kelurahan-tidak-dikenal", str(exc), "kode_kelurahan"))
    for kolom, nama_daftar in KOLOM_KODE.items():
        nilai = citra.get(kolom)
        if nilai is None and kolom != "status_dasar":
            continue
        if isinstance(nilai, bool) or not isinstance(nilai, int) or nilai not in daftar(nama_daftar):
            alasan.append(
                Alasan(
                    "kode-di-luar-daftar",
                    f"{kolom} = {nilai!r} tidak ada dalam daftar kode {nama_daftar}",
                    kolom,
                )
            )
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


def _int(nilai: Any) -> Any:
    """Accept integers and digit strings (OpenSID exports codes as text); leave anything else for the check."""
    if isinstance(nilai, str) and _BILANGAN.fullmatch(nilai.strip()):
        return int(nilai.strip())
    return nilai


def _tanggal(nilai: Any) -> Any:
    if isinstance(nilai, str):
        try:
            return dt.date.fromisoformat(nilai.strip())
        except ValueError:
            return nilai
    return nilai


def normalkan_citra(data: Mapping[str, Any], kode_kelurahan: str, record_id: int) -> dict[str, Any]:
    """JSON image → the Avro ``Penduduk`` shape (unknown keys dropped, types coerced where unambiguous)."""
    citra: dict[str, Any] = {"id": record_id, "nik": data.get("nik"), "id_kk": _int(data.get("id_kk"))}
    for kolom in KOLOM_TEKS:
        nilai = data.get(kolom)
        citra[kolom] = str(nilai) if isinstance(nilai, (int, str)) and not isinstance(nilai, bool) else nilai
    citra["nik"] = str(citra["nik"]) if isinstance(citra["nik"], int) else citra["nik"]
    kel = data.get("kode_kelurahan") or kode_kelurahan
    try:
        citra["kode_kelurahan"] = tanpa_titik(str(kel))
    except KodeWilayahError:
        citra["kode_kelurahan"] = str(kel)
    for kolom in KOLOM_KODE:
        citra[kolom] = _int(data.get(kolom))
    if citra["status_dasar"] is None:
        citra["status_dasar"] = 1
    citra["tanggallahir"] = _tanggal(data.get("tanggallahir"))
    return citra


@dataclass(frozen=True, slots=True)
class PerubahanValid:
    key: str
    envelope: dict[str, Any]


def _waktu(nilai: Any) -> dt.datetime | None:
    if not isinstance(nilai, str):
        return None
    try:
        waktu = dt.datetime.fromisoformat(nilai.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return waktu if waktu.tzinfo is not None else None


def periksa_perubahan(
    raw: Any, ref: ReferensiWilayah, *, sekarang: dt.datetime
) -> PerubahanValid | list[Alasan]:
    """Validate one JSON change from a kelurahan system and build its Avro envelope, or say why not."""
    if not isinstance(raw, Mapping):
        return [Alasan("bukan-objek", "setiap record harus berupa objek JSON")]
    alasan: list[Alasan] = []
    op = raw.get("op")
    if op not in OPERASI:
        alasan.append(Alasan("op-tidak-valid", f"op {op!r} harus salah satu dari {', '.join(OPERASI)}", "op"))
    kode_kel = ""
    try:
        kode_kel = ref.kelurahan(str(raw.get("kode_kelurahan", ""))).kode
    except KodeWilayahError as exc:
        alasan.append(Alasan("kode-kelurahan-tidak-dikenal", str(exc), "kode_kelurahan"))
    record_id, versi = raw.get("id"), raw.get("version")
    if isinstance(record_id, bool) or not isinstance(record_id, int) or not 0 < record_id <= LONG_MAKS:
        alasan.append(Alasan("id-tidak-valid", f"id {record_id!r} harus bilangan bulat positif", "id"))
    if isinstance(versi, bool) or not isinstance(versi, int) or not 0 < versi <= LONG_MAKS:
        alasan.append(
            Alasan("versi-tidak-valid", f"version {versi!r} harus bilangan bulat positif", "version")
        )
    waktu = _waktu(raw.get("ts"))
    if waktu is None:
        alasan.append(Alasan("waktu-tidak-valid", "ts harus waktu ISO-8601 dengan zona waktu", "ts"))
    elif waktu > sekarang + dt.timedelta(minutes=5) or waktu.year < 2000:
        alasan.append(
            Alasan("waktu-tidak-valid", f"ts {raw.get('ts')} berada di masa depan atau sebelum 2000", "ts")
        )
    data = raw.get("data")
    if op != "delete" and not isinstance(data, Mapping):
        alasan.append(Alasan("data-wajib", f"op {op!r} membutuhkan objek data (citra penduduk)", "data"))
    event_id = raw.get("event_id")
    if event_id is not None and not (isinstance(event_id, str) and 0 < len(event_id) <= 64):
        alasan.append(Alasan("event-id-tidak-valid", "event_id harus teks 1–64 karakter", "event_id"))
    if alasan:
        return alasan
    assert waktu is not None and isinstance(record_id, int) and isinstance(versi, int)
    after = None
    if op != "delete":
        assert isinstance(data, Mapping)
        after = normalkan_citra(data, kode_kel, record_id)
        batas = min(waktu.astimezone(WITA).date(), sekarang.astimezone(WITA).date())
        alasan = _kelurahan_sama(after, kode_kel, periksa_citra(after, ref, batas_tanggal=batas))
        if alasan:
            return alasan
    envelope = {
        "event_id": event_id or str(uuid.uuid5(EVENT_NAMESPACE, f"{kode_kel}:{record_id}:{versi}:{op}")),
        "op": op,
        "before": None,
        "after": after,
        "source": {
            "system": str(raw.get("sistem") or "SIMATIK")[:64],
            "kode_kelurahan": kode_kel,
            "record_id": record_id,
            "version": versi,
            "ts_ms": waktu,
        },
        "ingest_ts_ms": sekarang,
    }
    return PerubahanValid(kunci(kode_kel, record_id), envelope)


def _kelurahan_sama(citra: Mapping[str, Any], kode_kelurahan: str, alasan: list[Alasan]) -> list[Alasan]:
    """Add a reason if the image names another (known) kelurahan than the record's owner: a resident who
    moves becomes a new record in the destination kelurahan (OpenSID semantics), never a relabelled one."""
    if citra.get("kode_kelurahan") == kode_kelurahan or any(
        a.kode == "kode-kelurahan-tidak-dikenal" for a in alasan
    ):
        return alasan
    pesan = (
        f"kode_kelurahan citra {citra.get('kode_kelurahan')!r} berbeda dengan kelurahan pemilik record "
        f"{kode_kelurahan!r}; penduduk pindah dicatat sebagai record baru di kelurahan tujuan"
    )
    return [*alasan, Alasan("kode-kelurahan-tidak-cocok", pesan, "data.kode_kelurahan")]


def periksa_envelope(envelope: Mapping[str, Any], ref: ReferensiWilayah) -> list[Alasan]:
    """Stream-side check of a decoded envelope; deterministic (dates are judged against the event's own time)."""
    source = envelope["source"]
    alasan: list[Alasan] = []
    try:
        ref.kelurahan(source["kode_kelurahan"])
    except KodeWilayahError as exc:
        alasan.append(Alasan("kode-kelurahan-tidak-dikenal", str(exc), "source.kode_kelurahan"))
    if source["version"] <= 0:
        alasan.append(
            Alasan("versi-tidak-valid", f"version {source['version']} harus positif", "source.version")
        )
    after = envelope.get("after")
    if envelope["op"] != "delete":
        if after is None:
            alasan.append(Alasan("data-wajib", f"op {envelope['op']} tanpa citra after", "after"))
        else:
            ts: dt.datetime = source["ts_ms"]
            alasan += periksa_citra(after, ref, batas_tanggal=ts.astimezone(WITA).date())
            alasan = _kelurahan_sama(after, source["kode_kelurahan"], alasan)
    return alasan
