"""Serve the API inside the current event loop (tests, benchmarks): a real uvicorn on a loopback port."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import uvicorn
from fastapi import FastAPI

from api.main import create_app
from satudata.settings import Settings


@contextlib.asynccontextmanager
async def api_in_process(settings: Settings, timeout: float = 60.0) -> AsyncIterator[FastAPI]:
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(
            app, host=settings.api_host, port=settings.api_port, log_level="warning", lifespan="on"
        )
    )
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + timeout
    while not server.started:
        if task.done() or time.monotonic() > deadline:
            server.should_exit = True
            await task
            raise RuntimeError("API gagal mulai")
        await asyncio.sleep(0.05)
    try:
        yield app
    finally:
        server.should_exit = True
        await task
