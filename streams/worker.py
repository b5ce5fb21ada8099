"""Runs the Faust worker for ``satudata worker`` (blocks until SIGTERM/SIGINT)."""

from __future__ import annotations

import asyncio
import logging

import uvloop
from faust.worker import Worker

from satudata.kafka.topics import ensure_topics, hub_topics
from satudata.settings import Settings
from streams.app import create_app


class HubWorker(Worker):
    """Faust's worker with the log level really applied (mode leaves library loggers at DEBUG, which costs
    a log record per produced message). ``level`` is the worker's ``loglevel`` as a number."""

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        logger.setLevel(level)
        for name in ("aiokafka", "faust", "mode", "kafka"):
            logging.getLogger(name).setLevel(level)


def run_worker(settings: Settings, loglevel: str = "warning") -> None:
    asyncio.run(ensure_topics(settings.bootstrap_servers, hub_topics(settings).all()))
    uvloop.install()  # the worker's loop is created by mode after this
    app = create_app(settings)
    HubWorker(app, loglevel=loglevel, quiet=True).execute_from_commandline()
