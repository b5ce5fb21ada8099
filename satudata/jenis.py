"""The record types (``jenis``) the hub carries, one per SIMATIK (OpenSID) table, and their generic checks.

Every type shares the change envelope (:mod:`satudata.perubahan`); a :class:`JenisRekaman` adds its topic,
its Avro envelope name and its image functions. :func:`periksa_perubahan` is the edge check (JSON → Avro
envelope), :func:`periksa_envelope` the stream-side one (a decoded envelope, judged against its own ``ts``).
See docs/rekaman.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from satudata import bantuan, keluarga, penduduk, peristiwa, surat
from satudata.perubahan import (
    Alasan,
    PerubahanValid,
    buat_envelope,
    kelurahan_sama,
    periksa_kepala,
    periksa_sumber,
    tanggal_wita,
)
from satudata.wilayah import ReferensiWilayah

Normalkan = Callable[[Mapping[str, Any], str, int], dict[str, Any]]
PeriksaCitra = Callable[[Mapping[str, Any], ReferensiWilayah, dt.date], list[Alasan]]


@dataclass(frozen=True)
class JenisRekaman:
    """One record type: ``nama`` (URL and registry key), ``topik`` (suffix after the topic prefix),
    ``schema_name`` (full name of the Avro envelope), the image functions, the OpenSID table and a label
    used in messages and the API documentation."""

    nama: str
    topik: str
    schema_name: str
    normalkan: Normalkan
    periksa_citra: PeriksaCitra
    tabel: str
    label: str


def _jenis(
    nama: str, schema_name: str, normalkan: Normalkan, periksa: PeriksaCitra, tabel: str, label: str
) -> JenisRekaman:
    return JenisRekaman(nama, f"{nama}.v1", schema_name, normalkan, periksa, tabel, label)


JENIS: dict[str, JenisRekaman] = {
    j.nama: j
    for j in (
        _jenis(
            "penduduk",
            penduduk.SCHEMA_NAME,
            penduduk.normalkan_citra,
            penduduk.periksa_citra,
            "tweb_penduduk",
            "penduduk",
        ),
        _jenis(
            "keluarga",
            keluarga.SCHEMA_NAME,
            keluarga.normalkan_citra,
            keluarga.periksa_citra,
            "tweb_keluarga",
            "keluarga",
        ),
        _jenis(
            "peristiwa",
            peristiwa.SCHEMA_NAME,
            peristiwa.normalkan_citra,
            peristiwa.periksa_citra,
            "log_penduduk",
            "peristiwa kependudukan",
        ),
        _jenis(
            "peristiwa-keluarga",
            peristiwa.SCHEMA_NAME_KELUARGA,
            peristiwa.normalkan_citra_keluarga,
            peristiwa.periksa_citra_keluarga,
            "log_keluarga",
            "peristiwa keluarga",
        ),
        _jenis(
            "bantuan-program",
            bantuan.SCHEMA_NAME_PROGRAM,
            bantuan.normalkan_program,
            bantuan.periksa_program,
            "program",
            "program bantuan",
        ),
        _jenis(
            "bantuan-peserta",
            bantuan.SCHEMA_NAME_PESERTA,
            bantuan.normalkan_peserta,
            bantuan.periksa_peserta,
            "program_peserta",
            "peserta bantuan",
        ),
        _jenis("surat", surat.SCHEMA_NAME, surat.normalkan_citra, surat.periksa_citra, "log_surat", "surat"),
    )
}


def periksa_perubahan(
    jenis: JenisRekaman, raw: Any, ref: ReferensiWilayah, *, sekarang: dt.datetime
) -> PerubahanValid | list[Alasan]:
    """Validate one JSON change of type ``jenis`` and build its Avro envelope, or say why not.

    The image is only checked once the envelope is valid; its dates may not be after the change's WITA date
    (nor after today's). The image must belong to the record's own kelurahan.
    """
    kepala = periksa_kepala(raw, ref, sekarang=sekarang, citra=jenis.label)
    if isinstance(kepala, list):
        return kepala
    after = None
    if kepala.data is not None:
        after = jenis.normalkan(kepala.data, kepala.kode_kelurahan, kepala.record_id)
        batas = min(tanggal_wita(kepala.waktu), tanggal_wita(sekarang))
        alasan = kelurahan_sama(after, kepala.kode_kelurahan, jenis.periksa_citra(after, ref, batas))
        if alasan:
            return alasan
    return buat_envelope(kepala, after, sekarang=sekarang)


def periksa_envelope(jenis: JenisRekaman, envelope: Mapping[str, Any], ref: ReferensiWilayah) -> list[Alasan]:
    """Stream-side check of a decoded envelope of type ``jenis``; deterministic (dates are judged against
    the event's own ``ts``, never the clock)."""
    alasan = periksa_sumber(envelope, ref)
    if envelope["op"] != "delete":
        after = envelope.get("after")
        if after is None:
            alasan.append(Alasan("data-wajib", f"op {envelope['op']} tanpa citra after", "after"))
        else:
            source = envelope["source"]
            alasan += jenis.periksa_citra(after, ref, tanggal_wita(source["ts_ms"]))
            alasan = kelurahan_sama(after, source["kode_kelurahan"], alasan)
    return alasan
