"""The record-type independent part of a change: the JSON envelope, its checks, the Avro envelope and helpers
shared by the image modules (``penduduk``, ``keluarga``, ``peristiwa``, ``bantuan``, ``surat``).

A kelurahan system sends ``{op, kode_kelurahan, id, version, ts, berlaku?, event_id?, sistem?, data}``
(docs/rekaman.md). :func:`periksa_kepala` checks everything but ``data``; :func:`buat_envelope` builds the
Avro envelope (``Perubahan<Jenis>``) once the image is valid; :func:`periksa_sumber` is the stream-side check
of a decoded envelope's ``source`` and ``berlaku``. The image checks themselves live in each type's module and
are combined in :mod:`satudata.jenis`.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from satudata.kode import daftar
from satudata.wilayah import KodeWilayahError, ReferensiWilayah, tanpa_titik

OPERASI = ("create", "update", "delete", "snapshot")
WITA = dt.timezone(dt.timedelta(hours=8), "WITA")
TANGGAL_MIN = dt.date(1900, 1, 1)  # earliest sane date of any kind (birth, event, effective date)
EVENT_NAMESPACE = uuid.UUID("5b7e0d36-2c1a-4f0e-9a55-6f1f3c0b5272")
LONG_MAKS = 2**63 - 1  # largest Avro long (id, version, references)
TEKS_MAKS = 64  # longest source system name / event id
_BILANGAN = re.compile(r"-?[0-9]+")


@dataclass(frozen=True, slots=True)
class Alasan:
    """Why a record was rejected: a stable code, the field, and a sentence in Bahasa Indonesia."""

    kode: str
    pesan: str
    kolom: str | None = None


@dataclass(frozen=True, slots=True)
class PerubahanValid:
    """A valid change: its Kafka key and the Avro envelope (a dict in the ``Perubahan<Jenis>`` shape)."""

    key: str
    envelope: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Kepala:
    """The checked envelope fields of a JSON change (everything but the image)."""

    op: str
    kode_kelurahan: str
    record_id: int
    versi: int
    waktu: dt.datetime
    berlaku: dt.date | None
    event_id: str | None
    sistem: str
    data: Mapping[str, Any] | None


def kunci(kode_kelurahan: str, record_id: int) -> str:
    """Kafka record key: ``"5272011001:123"`` — never the NIK or KK number (they change, repeat, can be "0")."""
    return f"{kode_kelurahan}:{record_id}"


def jenis_nik(nik: str) -> str | None:
    """A NIK or KK number: ``tetap`` (16 digits), ``sementara`` (16 digits starting with 0), ``nol`` ("0"),
    or None if invalid."""
    if nik == "0":
        return "nol"
    if len(nik) == 16 and nik.isdigit():
        return "sementara" if nik.startswith("0") else "tetap"
    return None


def tanggal_wita(waktu: dt.datetime) -> dt.date:
    return waktu.astimezone(WITA).date()


def tanggal_berlaku(envelope: Mapping[str, Any]) -> dt.date:
    """Effective date of a (decoded) change: ``berlaku``, or the WITA date of ``source.ts_ms`` if absent."""
    berlaku = envelope.get("berlaku")
    return berlaku if isinstance(berlaku, dt.date) else tanggal_wita(envelope["source"]["ts_ms"])


# -- coercion of JSON values (OpenSID exports numbers as text) --


def ke_int(nilai: Any) -> Any:
    """Accept integers and digit strings; leave anything else for the check."""
    if isinstance(nilai, str) and _BILANGAN.fullmatch(nilai.strip()):
        return int(nilai.strip())
    return nilai


def ke_tanggal(nilai: Any) -> Any:
    """ISO date text → ``date``; anything else unchanged (and refused by the check)."""
    if isinstance(nilai, str):
        try:
            return dt.date.fromisoformat(nilai.strip())
        except ValueError:
            return nilai
    return nilai


def ke_teks(nilai: Any) -> Any:
    """Numbers in text fields become text (``rt: 3`` → ``"3"``); anything else unchanged."""
    return str(nilai) if isinstance(nilai, (int, str)) and not isinstance(nilai, bool) else nilai


def ke_kelurahan(nilai: Any, bawaan: str) -> Any:
    """An image's kelurahan code, undotted when well-formed; the record owner's when missing."""
    kel = nilai or bawaan
    try:
        return tanpa_titik(str(kel))
    except KodeWilayahError:
        return str(kel)


def waktu_iso(nilai: Any) -> dt.datetime | None:
    """ISO-8601 time with a time zone, or None."""
    if not isinstance(nilai, str):
        return None
    try:
        waktu = dt.datetime.fromisoformat(nilai.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return waktu if waktu.tzinfo is not None else None


# -- checks of normalised image fields --


def bilangan_bulat(nilai: Any) -> TypeGuard[int]:
    return isinstance(nilai, int) and not isinstance(nilai, bool)


def periksa_id(citra: Mapping[str, Any], kolom: str, *, wajib: bool = False) -> list[Alasan]:
    """A reference to another record (``id_pend``, ``id_kk``…): a positive Avro long; None allowed unless wajib."""
    nilai = citra.get(kolom)
    if nilai is None and not wajib:
        return []
    if bilangan_bulat(nilai) and 0 < nilai <= LONG_MAKS:
        return []
    return [Alasan("id-tidak-valid", f"{kolom} {nilai!r} harus bilangan bulat positif", kolom)]


def periksa_kode(
    citra: Mapping[str, Any], kolom_daftar: Mapping[str, str], *, wajib: tuple[str, ...] = ()
) -> list[Alasan]:
    """Each code column holds a code of its OpenSID list; None (BELUM MENGISI) is allowed unless wajib."""
    alasan = []
    for kolom, nama_daftar in kolom_daftar.items():
        nilai = citra.get(kolom)
        if nilai is None and kolom not in wajib:
            continue
        if not bilangan_bulat(nilai) or nilai not in daftar(nama_daftar):
            pesan = f"{kolom} = {nilai!r} tidak ada dalam daftar kode {nama_daftar}"
            alasan.append(Alasan("kode-di-luar-daftar", pesan, kolom))
    return alasan


def periksa_teks(citra: Mapping[str, Any], kolom: tuple[str, ...]) -> list[Alasan]:
    """Optional text columns hold text (or null)."""
    return [
        Alasan("tipe-tidak-valid", f"{k} = {citra.get(k)!r} harus teks", k)
        for k in kolom
        if citra.get(k) is not None and not isinstance(citra.get(k), str)
    ]


def periksa_tanggal(
    citra: Mapping[str, Any], kolom: str, batas: dt.date | None, kode: str = "tanggal-tidak-wajar"
) -> list[Alasan]:
    """A date column: null, or a date between 1900-01-01 and ``batas`` (no upper bound if None)."""
    nilai = citra.get(kolom)
    if nilai is None:
        return []
    if isinstance(nilai, dt.date) and nilai >= TANGGAL_MIN and (batas is None or nilai <= batas):
        return []
    rentang = (
        f"antara {TANGGAL_MIN} dan {batas}" if batas else f"tanggal ISO (YYYY-MM-DD) sejak {TANGGAL_MIN}"
    )
    return [Alasan(kode, f"{kolom} {nilai!r} harus {rentang}", kolom)]


def periksa_urutan(citra: Mapping[str, Any], awal: str, akhir: str) -> list[Alasan]:
    """``akhir`` may not be before ``awal`` (e.g. tgl_lapor ≥ tgl_peristiwa) when both are dates."""
    a, b = citra.get(awal), citra.get(akhir)
    if isinstance(a, dt.date) and isinstance(b, dt.date) and b < a:
        pesan = f"{akhir} {b} tidak boleh sebelum {awal} {a}"
        return [Alasan("urutan-tanggal-tidak-valid", pesan, akhir)]
    return []


def periksa_kelurahan(
    citra: Mapping[str, Any], ref: ReferensiWilayah, kolom: str = "kode_kelurahan"
) -> list[Alasan]:
    """``kolom`` names a kelurahan of the reference (optional columns other than kode_kelurahan may be null)."""
    nilai = citra.get(kolom)
    if nilai is None and kolom != "kode_kelurahan":
        return []
    try:
        ref.kelurahan(str(nilai if nilai is not None else ""))
    except KodeWilayahError as exc:
        return [Alasan("kode-kelurahan-tidak-dikenal", str(exc), kolom)]
    return []


def kelurahan_sama(citra: Mapping[str, Any], kode_kelurahan: str, alasan: list[Alasan]) -> list[Alasan]:
    """Add a reason if the image names another (known) kelurahan than the record's owner: a record that moves
    becomes a new record in the destination kelurahan (OpenSID semantics), never a relabelled one."""
    if citra.get("kode_kelurahan") == kode_kelurahan or any(
        a.kode == "kode-kelurahan-tidak-dikenal" and a.kolom in ("kode_kelurahan", "source.kode_kelurahan")
        for a in alasan
    ):
        return alasan
    pesan = (
        f"kode_kelurahan citra {citra.get('kode_kelurahan')!r} berbeda dengan kelurahan pemilik record "
        f"{kode_kelurahan!r}; record yang pindah dicatat sebagai record baru di kelurahan tujuan"
    )
    return [*alasan, Alasan("kode-kelurahan-tidak-cocok", pesan, "data.kode_kelurahan")]


# -- the envelope --


def _periksa_berlaku(
    nilai: Any, waktu: dt.datetime | None, kolom: str
) -> tuple[dt.date | None, list[Alasan]]:
    if nilai is None:
        return None, []
    tanggal = ke_tanggal(nilai)
    batas = tanggal_wita(waktu) if waktu is not None else None
    if (
        isinstance(tanggal, dt.date)
        and not isinstance(tanggal, dt.datetime)
        and tanggal >= TANGGAL_MIN
        and (batas is None or tanggal <= batas)
    ):
        return tanggal, []
    pesan = f"berlaku {nilai!r} harus tanggal ISO (YYYY-MM-DD) antara {TANGGAL_MIN} dan tanggal ts (WITA)" + (
        f" {batas}" if batas else ""
    )
    return None, [Alasan("berlaku-tidak-valid", pesan, kolom)]


def periksa_kepala(
    raw: Any, ref: ReferensiWilayah, *, sekarang: dt.datetime, citra: str = "record"
) -> Kepala | list[Alasan]:
    """Check the envelope fields of one JSON change (``citra`` names the image in messages)."""
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
    if not bilangan_bulat(record_id) or not 0 < record_id <= LONG_MAKS:
        alasan.append(Alasan("id-tidak-valid", f"id {record_id!r} harus bilangan bulat positif", "id"))
    if not bilangan_bulat(versi) or not 0 < versi <= LONG_MAKS:
        alasan.append(
            Alasan("versi-tidak-valid", f"version {versi!r} harus bilangan bulat positif", "version")
        )
    waktu = waktu_iso(raw.get("ts"))
    if waktu is None:
        alasan.append(Alasan("waktu-tidak-valid", "ts harus waktu ISO-8601 dengan zona waktu", "ts"))
    elif waktu > sekarang + dt.timedelta(minutes=5) or waktu.year < 2000:
        alasan.append(
            Alasan("waktu-tidak-valid", f"ts {raw.get('ts')} berada di masa depan atau sebelum 2000", "ts")
        )
        waktu = None
    berlaku, salah = _periksa_berlaku(raw.get("berlaku"), waktu, "berlaku")
    alasan += salah
    data = raw.get("data")
    if op != "delete" and not isinstance(data, Mapping):
        alasan.append(Alasan("data-wajib", f"op {op!r} membutuhkan objek data (citra {citra})", "data"))
    event_id = raw.get("event_id")
    if event_id is not None and not (isinstance(event_id, str) and 0 < len(event_id) <= TEKS_MAKS):
        alasan.append(Alasan("event-id-tidak-valid", "event_id harus teks 1–64 karakter", "event_id"))
    if alasan:
        return alasan
    assert waktu is not None and isinstance(record_id, int) and isinstance(versi, int) and isinstance(op, str)
    return Kepala(
        op=op,
        kode_kelurahan=kode_kel,
        record_id=record_id,
        versi=versi,
        waktu=waktu,
        berlaku=berlaku,
        event_id=event_id,
        sistem=str(raw.get("sistem") or "SIMATIK")[:TEKS_MAKS],
        data=data if isinstance(data, Mapping) and op != "delete" else None,
    )


def buat_envelope(kepala: Kepala, after: dict[str, Any] | None, *, sekarang: dt.datetime) -> PerubahanValid:
    """The Avro envelope of a checked change; the event id is derived from the record when not given."""
    kel, rid = kepala.kode_kelurahan, kepala.record_id
    envelope = {
        "event_id": kepala.event_id
        or str(uuid.uuid5(EVENT_NAMESPACE, f"{kel}:{rid}:{kepala.versi}:{kepala.op}")),
        "op": kepala.op,
        "before": None,
        "after": after,
        "source": {
            "system": kepala.sistem,
            "kode_kelurahan": kel,
            "record_id": rid,
            "version": kepala.versi,
            "ts_ms": kepala.waktu,
        },
        "ingest_ts_ms": sekarang,
        "berlaku": kepala.berlaku,
    }
    return PerubahanValid(kunci(kel, rid), envelope)


def periksa_sumber(envelope: Mapping[str, Any], ref: ReferensiWilayah) -> list[Alasan]:
    """Stream-side check of a decoded envelope's source and effective date (deterministic: judged by ts)."""
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
    alasan += _periksa_berlaku(envelope.get("berlaku"), source["ts_ms"], "berlaku")[1]
    return alasan
