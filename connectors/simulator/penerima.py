"""Sinks for simulator records: the hub's ingest API (``POST /v1/penduduk/events``) or a Kafka publisher.

Both send in batches, optionally paced to ``laju`` records per second, and return a :class:`HasilKirim`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

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


class Publisher(Protocol):
    """What :func:`kirim_ke_kafka` needs: publishes records and returns how many were accepted."""

    async def publish(self, records: list[dict[str, Any]]) -> int: ...


def _per_batch(records: Iterable[dict[str, Any]], ukuran: int) -> Iterator[list[dict[str, Any]]]:
    if not 1 <= ukuran <= BATAS_BATCH:
        raise ValueError(f"ukuran batch harus 1–{BATAS_BATCH}, bukan {ukuran}")
    it = iter(records)
    while batch := list(itertools.islice(it, ukuran)):
        yield batch


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


def _baca_jawaban(jawaban: httpx.Response, batch: list[dict[str, Any]], hasil: HasilKirim) -> None:
    try:
        isi = jawaban.json()
        diterima, ditolak = int(isi["diterima"]), int(isi["ditolak"])
    except (ValueError, KeyError, TypeError) as exc:
        raise GagalKirim(f"jawaban hub tidak dapat dibaca: {jawaban.text[:200]!r}") from exc
    hasil.dikirim += len(batch)
    hasil.diterima += diterima
    hasil.ditolak += ditolak
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
    """Post ``records`` to ``{api_url}/v1/penduduk/events`` in batches of ``batch`` (≤ 5,000).

    ``laju`` paces to that many records per second; ``progress(dikirim, diterima)`` is called after every
    batch. A batch is retried on connection errors, HTTP 429 and 5xx (backoff ``jeda_ulang`` · 2ⁿ seconds, at
    most ``percobaan`` tries); then, or on any other non-2xx answer, :class:`GagalKirim` is raised.
    """
    if not 1 <= percobaan <= PERCOBAAN_MAKS:
        raise ValueError(f"percobaan harus 1–{PERCOBAAN_MAKS}")
    url = api_url.rstrip("/") + "/v1/penduduk/events"
    hasil, pengatur = HasilKirim(), _Laju(laju)
    milik_sendiri = client is None
    http = client if client is not None else httpx.AsyncClient(timeout=httpx.Timeout(60.0))
    try:
        for potongan in _per_batch(records, batch):
            await pengatur.tunggu(hasil.dikirim)
            jawaban = await _kirim_satu(http, url, potongan, percobaan, jeda_ulang)
            _baca_jawaban(jawaban, potongan, hasil)
            if progress is not None:
                progress(hasil.dikirim, hasil.diterima)
    finally:
        if milik_sendiri:
            await http.aclose()
    return hasil


async def kirim_ke_kafka(
    records: Iterable[dict[str, Any]],
    publisher: Publisher,
    *,
    batch: int = 1000,
    laju: float | None = None,
    progress: Progres | None = None,
) -> HasilKirim:
    """Hand ``records`` to ``publisher.publish`` in batches; records it does not accept count as rejected."""
    hasil, pengatur = HasilKirim(), _Laju(laju)
    for potongan in _per_batch(records, batch):
        await pengatur.tunggu(hasil.dikirim)
        diterima = await publisher.publish(potongan)
        hasil.dikirim += len(potongan)
        hasil.diterima += diterima
        if diterima < len(potongan):
            hasil.ditolak += len(potongan) - diterima
            hasil.alasan_penolakan["ditolak oleh publisher"] += len(potongan) - diterima
        if progress is not None:
            progress(hasil.dikirim, hasil.diterima)
    return hasil
