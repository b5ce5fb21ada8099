"""The boards: every dashboard the hub provisions, by family (one Grafana folder per family)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grafana_foundation_sdk.builders import dashboard
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import Dashboard

from grafana import kualitas, opendk, openkab, operasional, sektoral
from grafana.kueri import daftarkan_plugin


@dataclass(frozen=True)
class Keluarga:
    """A family of boards and its folder."""

    nama: str  # directory under grafana/dashboards and provider name
    folder: str  # Grafana folder title
    folder_uid: str


OPENKAB = Keluarga("openkab", "OpenKab", "openkab")
OPENDK = Keluarga("opendk", "OpenDK", "opendk")
KUALITAS = Keluarga("kualitas", "Kualitas Data", "kualitas")
SEKTORAL = Keluarga("sektoral", "Sektoral", "sektoral")
OPERASIONAL = Keluarga("operasional", "Operasional", "operasional")
KELUARGA = (OPENKAB, OPENDK, KUALITAS, SEKTORAL, OPERASIONAL)

Pembuat = Callable[[str], list[dashboard.Dashboard]]


def _satu(buat: Callable[[str], dashboard.Dashboard]) -> Pembuat:
    return lambda db: [buat(db)]


def pembuat() -> dict[Keluarga, Pembuat]:
    """Each family's dashboard builders, given the ClickHouse database name."""
    out: dict[Keluarga, Pembuat] = {OPENKAB: _satu(openkab.buat), OPENDK: _satu(opendk.buat)}
    out[OPERASIONAL] = _satu(operasional.buat)
    out[KUALITAS] = _satu(kualitas.buat)
    out[SEKTORAL] = sektoral.buat_semua
    return out


def _json(obj: object) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(JSONEncoder(sort_keys=True).encode(obj))
    return data


def semua_dasbor(db: str) -> list[tuple[Keluarga, dict[str, Any]]]:
    """Every dashboard as its JSON model (a dict), with its family. Each is passed once through
    foundation-sdk's unmarshalling, so the defaults the schema fills in are explicit and the committed JSON
    is a fixed point of a round trip."""
    daftarkan_plugin()
    hasil = []
    for keluarga, buat in pembuat().items():
        for d in buat(db):
            hasil.append((keluarga, _json(Dashboard.from_json(_json(d.build())))))
    return hasil
