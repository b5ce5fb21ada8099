"""Runs the Faust worker for ``satudata worker`` (blocks until SIGTERM/SIGINT)."""

from __future__ import annotations

import asyncio

from faust.worker import Worker

from satudata.kafka.topics import ensure_topics, hub_topics
from satudata.settings import Settings
from streams.app import create_app


def run_worker(settings: Settings, loglevel: str = "warning") -> None:
    asyncio.run(ensure_topics(settings.bootstrap_servers, hub_topics(settings).all()))
    app = create_app(settings)
    Worker(app, loglevel=loglevel, quiet=True).execute_from_commandline()
