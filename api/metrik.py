"""Prometheus metrics of the API: the request-duration middleware and ``GET /metrics`` (see satudata.metrik)."""

from __future__ import annotations

import time

from fastapi import FastAPI, Request, Response
from prometheus_client import CollectorRegistry, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from satudata.metrik import RUTE_TIDAK_DIKENAL, ekspos

METODE = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class MetrikHttp:
    """Pure ASGI middleware: observes every HTTP request's duration by route template, method and status.

    The route template comes from the route the router matched (FastAPI puts it in the scope), so paths with
    parameters and unknown paths never create new label values.
    """

    def __init__(self, app: ASGIApp, durasi: Histogram) -> None:
        self.app = app
        self.durasi = durasi

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        mulai = time.perf_counter()
        status = 500  # an exception that escapes the app becomes a 500

        async def kirim(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, kirim)
        finally:
            rute = getattr(scope.get("route"), "path", None) or RUTE_TIDAK_DIKENAL
            metode = scope["method"] if scope["method"] in METODE else "LAIN"
            self.durasi.labels(rute, metode, str(status)).observe(time.perf_counter() - mulai)


def pasang_metrik(app: FastAPI, registry: CollectorRegistry, durasi: Histogram) -> None:
    """Add the middleware and ``GET /metrics`` (outside the OpenAPI schema) to ``app``."""
    app.add_middleware(MetrikHttp, durasi=durasi)

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        body, content_type = ekspos(registry, request.headers.get("accept"))
        return Response(body, media_type=content_type)
