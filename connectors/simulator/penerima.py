"""Sinks for simulator records: the hub's ingest API (``POST /v1/<jenis>/events``) or Kafka publishers.

Both send in batches, optionally paced to ``laju`` records per second, and return a :class:`HasilKirim`. A
batch is split by record type (``"jenis"``; records without it are residents) keeping the order of the records
within each type, so the versions of every key arrive in the order given.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from connectors.simulator.dasar import JENIS, jenis_rekaman

log = logging.getLogger(__name__)

BATAS_BATCH = 5000  # the ingest API accepts at most this many records per request
PERCOBAAN_MAKS = 5
Progres = Callable[[int, int], None]  # called after every batch with (dikirim, diterima) so far


class GagalKirim(RuntimeError):
    """A batch could not be delivered (after the retries, or the hub refused the request as a whole)."""


@dataclass
class HasilKirim:
    dikirim: int = 0
    diterima: int = 0
    ditolak: int = 0
    alasan_penolakan: Counter[str] = field(default_factory=Counter)
    dikirim_per_jenis: Counter[str] = field(default_factory=Counter)
    diterima_per_jenis: Counter[str] = field(default_factory=Counter)

    def catat(self, jenis: str, dikirim: int, diterima: int) -> None:
        self.dikirim += dikirim
        self.diterima += diterima
        self.ditolak += dikirim - diterima
        self.dikirim_per_jenis[jenis] += dikirim
        self.diterima_per_jenis[jenis] += diterima

    def tambahkan(self, lain: HasilKirim) -> None:
        """Add the counts of another result (e.g. of the next round of sending)."""
        self.dikirim += lain.dikirim
        self.diterima += lain.diterima
        self.ditolak += lain.ditolak
        self.alasan_penolakan += lain.alasan_penolakan
        self.dikirim_per_jenis += lain.dikirim_per_jenis
        self.diterima_per_jenis += lain.diterima_per_jenis


class Publisher(Protocol):
    """What :func:`kirim_ke_kafka` needs: publishes records and returns how many were accepted."""

    async def publish(self, records: list[dict[str, Any]]) -> int: ...


def _per_batch(records: Iterable[dict[str, Any]], ukuran: int) -> Iterator[list[dict[str, Any]]]:
    if not 1 <= ukuran <= BATAS_BATCH:
        raise ValueError(f"ukuran batch harus 1–{BATAS_BATCH}, bukan {ukuran}")
    it = iter(records)
    while batch := list(itertools.islice(it, ukuran)):
        yield batch


def per_jenis(batch: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The records of a batch by type, each list in the batch's order (types in order of first appearance)."""
    hasil: dict[str, list[dict[str, Any]]] = {}
    for rec in batch:
        hasil.setdefault(jenis_rekaman(rec), []).append(rec)
    return hasil


class _Laju:
    """Paces sending to ``laju`` records per second on average (monotonic clock; None = no pacing)."""

    def __init__(self, laju: float | None) -> None:
        if laju is not None and laju <= 0:
            raise ValueError("laju harus lebih besar dari 0 record/detik")
        self._laju = laju
        self._mulai: float | None = None

    async def tunggu(self, sudah_dikirim: int) -> None:
        loop = asyncio.get_running_loop()
        if self._mulai is None:
            self._mulai = loop.time()
        if self._laju is not None:
            jeda = self._mulai + sudah_dikirim / self._laju - loop.time()
            if jeda > 0:
                await asyncio.sleep(jeda)


def _baca_jawaban(
    jawaban: httpx.Response, jenis: str, batch: list[dict[str, Any]], hasil: HasilKirim
) -> None:
    try:
        isi = jawaban.json()
        diterima, ditolak = int(isi["diterima"]), int(isi["ditolak"])
    except (ValueError, KeyError, TypeError) as exc:
        raise GagalKirim(f"jawaban hub tidak dapat dibaca: {jawaban.text[:200]!r}") from exc
    if diterima + ditolak != len(batch):
        raise GagalKirim(f"hub menjawab {diterima} + {ditolak} untuk {len(batch)} record {jenis}")
    hasil.catat(jenis, len(batch), diterima)
    for item in isi.get("hasil") or []:
        if isinstance(item, dict) and item.get("status") == "ditolak":
            hasil.alasan_penolakan.update(str(a) for a in item.get("alasan") or ["(tanpa alasan)"])


async def _kirim_satu(
    client: httpx.AsyncClient, url: str, batch: list[dict[str, Any]], percobaan: int, jeda_ulang: float
) -> httpx.Response:
    """POST one batch; retry connection errors, 429 and 5xx with exponential backoff."""
    masalah = ""
    for ke in range(1, percobaan + 1):
        try:
            jawaban = await client.post(url, json={"records": batch})
        except httpx.TransportError as exc:
            masalah = f"{type(exc).__name__}: {exc}"
        else:
            if jawaban.status_code < 300:
                return jawaban
            if jawaban.status_code != 429 and jawaban.status_code < 500:
                raise GagalKirim(
                    f"hub menolak batch ({len(batch)} record) dengan HTTP {jawaban.status_code}: "
                    f"{jawaban.text[:300]}"
                )
            masalah = f"HTTP {jawaban.status_code}"
        if ke < percobaan:
            log.warning("Kirim batch gagal (%s), percobaan %d/%d; diulang", masalah, ke, percobaan)
            await asyncio.sleep(jeda_ulang * 2 ** (ke - 1))
    raise GagalKirim(
        f"batch ({len(batch)} record) gagal dikirim ke {url} setelah {percobaan} percobaan: {masalah}"
    )


async def kirim_ke_api(
    records: Iterable[dict[str, Any]],
    api_url: str,
    *,
    batch: int = 1000,
    laju: float | None = None,
    client: httpx.AsyncClient | None = None,
    progress: Progres | None = None,
    percobaan: int = PERCOBAAN_MAKS,
    jeda_ulang: float = 0.5,
) -> HasilKirim:
    """Post ``records`` to ``{api_url}/v1/{jenis}/events`` in batches of ``batch`` (≤ 5,000) records.

    Each batch is split by ``jenis`` (one request per type present, the records of a type in their order).
    ``laju`` paces to that many records per second; ``progress(dikirim, diterima)`` is called after every
    batch. A request is retried on connection errors, HTTP 429 and 5xx (backoff ``jeda_ulang`` · 2ⁿ seconds,
    at most ``percobaan`` tries); then, on any other non-2xx answer or on an unknown ``jenis``,
    :class:`GagalKirim` is raised.
    """
    if not 1 <= percobaan <= PERCOBAAN_MAKS:
        raise ValueError(f"percobaan harus 1–{PERCOBAAN_MAKS}")
    dasar = api_url.rstrip("/")
    hasil, pengatur = HasilKirim(), _Laju(laju)
    milik_sendiri = client is None
    http = client if client is not None else httpx.AsyncClient(timeout=httpx.Timeout(60.0))
    try:
        for potongan in _per_batch(records, batch):
            await pengatur.tunggu(hasil.dikirim)
            for jenis, bagian in per_jenis(potongan).items():
                if jenis not in JENIS:
                    raise GagalKirim(f"jenis record tidak dikenal: {jenis!r} (pilihan: {', '.join(JENIS)})")
                jawaban = await _kirim_satu(http, f"{dasar}/v1/{jenis}/events", bagian, percobaan, jeda_ulang)
                _baca_jawaban(jawaban, jenis, bagian, hasil)
            if progress is not None:
                progress(hasil.dikirim, hasil.diterima)
    finally:
        if milik_sendiri:
            await http.aclose()
    return hasil


async def kirim_ke_kafka(
    records: Iterable[dict[str, Any]],
    publisher: Publisher | Mapping[str, Publisher],
    *,
    batch: int = 1000,
    laju: float | None = None,
    progress: Progres | None = None,
) -> HasilKirim:
    """Hand ``records`` to publishers in batches; records a publisher does not accept count as rejected.

    ``publisher`` is one publisher for every record, or one per ``jenis`` (e.g. a
    :class:`connectors.kafka_publisher.RekamanPublisher` per type): each batch is then split by type, keeping
    the order within each type; records of a type without a publisher are rejected.
    """
    hasil, pengatur = HasilKirim(), _Laju(laju)
    for potongan in _per_batch(records, batch):
        await pengatur.tunggu(hasil.dikirim)
        for jenis, bagian in per_jenis(potongan).items():
            penerbit = publisher.get(jenis) if isinstance(publisher, Mapping) else publisher
            if penerbit is None:
                hasil.catat(jenis, len(bagian), 0)
                hasil.alasan_penolakan[f"tidak ada publisher untuk jenis {jenis}"] += len(bagian)
                continue
            diterima = await penerbit.publish(bagian)
            hasil.catat(jenis, len(bagian), diterima)
            if diterima < len(bagian):
                hasil.alasan_penolakan["ditolak oleh publisher"] += len(bagian) - diterima
        if progress is not None:
            progress(hasil.dikirim, hasil.diterima)
    return hasil
