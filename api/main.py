"""The hub's HTTP service: ``create_app(settings)`` builds ingest, statistics, counts and the schema registry.

In local mode (embedded ClickHouse) the app also runs the ClickHouse sink, because the embedded engine belongs
to one process: the process that writes is the process that serves queries.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CollectorRegistry

from api.metrik import pasang_metrik
from api.registry.routes import router as registry_router
from api.registry.store import SchemaStore
from api.routes import (
    ingest,
    kualitas,
    laporan,
    operasional,
    rekonsiliasi,
    sektoral,
    statistik,
    wilayah_rinci,
)
from connectors.kafka_publisher import Publishers
from satudata import __version__
from satudata.jenis import JENIS
from satudata.kafka.offsets import OffsetReader
from satudata.kafka.topics import ensure_topics, hub_topics
from satudata.metrik import metrik_api, metrik_sink
from satudata.settings import Settings
from satudata.warehouse.client import Gudang
from streams.sink import ClickHouseSink


async def _json_tidak_valid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    kesalahan = [
        {
            "lokasi": ".".join(str(x) for x in e.get("loc", ())),
            "pesan": e.get("msg", ""),
            "jenis": e.get("type"),
        }
        for e in exc.errors()
    ]
    json_rusak = any(e["jenis"] == "json_invalid" for e in kesalahan)
    pesan = (
        "badan permintaan bukan JSON yang valid"
        if json_rusak
        else 'badan permintaan tidak sesuai format; harus objek {"records": [...]}'
    )
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT, content={"detail": pesan, "kesalahan": kesalahan}
    )


def create_app(settings: Settings, *, run_sink: bool | None = None) -> FastAPI:
    """Build the API. ``run_sink`` defaults to True with the embedded ClickHouse (local mode).

    Each app has its own Prometheus registry (``app.state.registry``, served at ``/metrics``), which also
    holds the sink's metrics when the sink runs here.
    """
    sink_here = settings.clickhouse_url.startswith("chdb://") if run_sink is None else run_sink
    topics = hub_topics(settings)
    registry = CollectorRegistry()
    metrik = metrik_api(registry, list(JENIS))
    metrik_s = metrik_sink(registry) if sink_here else None

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ensure_topics(settings.bootstrap_servers, topics.all())
        gudang = Gudang(settings)
        gudang.migrate()
        store = SchemaStore(settings.bootstrap_servers, topics.schemas)
        publishers = Publishers(settings)  # one producer for every record type
        offsets = OffsetReader(settings.bootstrap_servers)
        sink = (
            ClickHouseSink(settings, gudang, topics.statistik_penduduk.name, metrik_s) if sink_here else None
        )
        async with contextlib.AsyncExitStack() as stack:
            for service in (store, publishers, offsets, sink):
                if service is not None:
                    await service.start()
                    stack.push_async_callback(service.stop)
            app.state.settings, app.state.gudang, app.state.schema_store = settings, gudang, store
            app.state.publishers, app.state.publisher = publishers, publishers.penduduk
            app.state.offsets, app.state.sink = offsets, sink
            yield

    app = FastAPI(
        title="Satu Data Kota Bima — hub integrasi",
        version=__version__,
        description=(
            "Menerima perubahan data dari SIMATIK kelurahan, menyajikan statistik kependudukan untuk kota, "
            "kecamatan dan kelurahan, serta registry skema Avro (API kompatibel Confluent di /registry)."
        ),
        lifespan=lifespan,
    )
    app.state.registry, app.state.metrik = registry, metrik
    app.add_exception_handler(RequestValidationError, _json_tidak_valid)
    pasang_metrik(app, registry, metrik.http_durasi)
    for router in ingest.routers:
        app.include_router(router)
    app.include_router(statistik.router)
    app.include_router(laporan.router)
    app.include_router(wilayah_rinci.router)
    app.include_router(kualitas.router)
    app.include_router(sektoral.router)
    app.include_router(operasional.router)
    app.include_router(rekonsiliasi.router)
    app.include_router(registry_router, prefix="/registry", tags=["registry"])

    @app.get("/health", tags=["operasional"], summary="Status layanan")
    async def health() -> JSONResponse:
        sink: ClickHouseSink | None = app.state.sink
        if sink is not None and not sink.berjalan:
            body = {
                "status": "gagal",
                "versi": __version__,
                "alasan": "sink ClickHouse berhenti; lihat log API",
            }
            return JSONResponse(body, status_code=503)
        return JSONResponse({"status": "ok", "versi": __version__})

    return app
