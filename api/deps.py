"""FastAPI dependencies: typed aliases for what the lifespan puts on ``app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from connectors.kafka_publisher import PendudukPublisher, Publishers
from satudata.metrik import MetrikApi
from satudata.settings import Settings
from satudata.warehouse.client import Gudang
from satudata.wilayah import ReferensiWilayah, referensi_kota_bima


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _gudang(request: Request) -> Gudang:
    gudang: Gudang = request.app.state.gudang
    return gudang


def _publisher(request: Request) -> PendudukPublisher:
    publisher: PendudukPublisher = request.app.state.publisher
    return publisher


def _publishers(request: Request) -> Publishers:
    publishers: Publishers = request.app.state.publishers
    return publishers


def _metrik(request: Request) -> MetrikApi:
    metrik: MetrikApi = request.app.state.metrik
    return metrik


def _referensi() -> ReferensiWilayah:
    return referensi_kota_bima()


SettingsDep = Annotated[Settings, Depends(_settings)]
GudangDep = Annotated[Gudang, Depends(_gudang)]
PublisherDep = Annotated[PendudukPublisher, Depends(_publisher)]
PublishersDep = Annotated[Publishers, Depends(_publishers)]
MetrikDep = Annotated[MetrikApi, Depends(_metrik)]
ReferensiDep = Annotated[ReferensiWilayah, Depends(_referensi)]
