"""The ClickHouse panel query (``grafana-clickhouse-datasource``) for grafana-foundation-sdk, and the pieces of
Grafana SQL every board shares: the wilayah variables, the as-of date and the translation of the query layer's
parameterised SQL (:mod:`satudata.statistik`) into the plugin's macros and variables.

foundation-sdk has no ClickHouse query type, so this module defines one (a ``cogvariants.Dataquery``) and
registers it for unmarshalling. The JSON is the plugin's own target shape (``src/types/sql.ts``):
``{"datasource", "editorType": "sql", "queryType", "format", "rawSql", "refId"}``.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Self

from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import runtime as cogruntime
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.models import dashboard as model

PLUGIN = "grafana-clickhouse-datasource"
UID_CLICKHOUSE = "satudata-clickhouse"
UID_PROMETHEUS = "satudata-prometheus"
ZONA = "Asia/Makassar"  # WITA: Kota Bima's dates

JenisKueri = Literal["table", "timeseries"]
_FORMAT = {"timeseries": 0, "table": 1}  # sqlds mapQueryTypeToGrafanaFormat


def sumber_clickhouse() -> model.DataSourceRef:
    return model.DataSourceRef(type_val=PLUGIN, uid=UID_CLICKHOUSE)


def sumber_prometheus() -> model.DataSourceRef:
    return model.DataSourceRef(type_val="prometheus", uid=UID_PROMETHEUS)


class KueriClickHouse(cogvariants.Dataquery):
    """One ClickHouse SQL target of a panel."""

    def __init__(self, raw_sql: str = "", ref_id: str = "A", query_type: str = "table") -> None:
        self.raw_sql = raw_sql
        self.ref_id = ref_id
        self.query_type = query_type

    def to_json(self) -> dict[str, object]:
        return {
            "datasource": {"type": PLUGIN, "uid": UID_CLICKHOUSE},
            "editorType": "sql",
            "format": _FORMAT.get(self.query_type, 1),
            "queryType": self.query_type,
            "rawSql": self.raw_sql,
            "refId": self.ref_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(
            str(data.get("rawSql", "")), str(data.get("refId", "A")), str(data.get("queryType", "table"))
        )


class Kueri(cogbuilder.Builder[KueriClickHouse]):
    """Builder of a ClickHouse target: ``Kueri(sql).jenis("timeseries")``."""

    def __init__(self, raw_sql: str, ref_id: str = "A") -> None:
        self._internal = KueriClickHouse(raw_sql, ref_id)

    def jenis(self, query_type: JenisKueri) -> Self:
        self._internal.query_type = query_type
        return self

    def build(self) -> KueriClickHouse:
        return self._internal


def daftarkan_plugin() -> None:
    """Register foundation-sdk's own plugins and the ClickHouse query so ``Dashboard.from_json`` round-trips."""
    from grafana_foundation_sdk.cog.plugins import register_default_plugins

    register_default_plugins()
    cogruntime.register_dataquery_variant(
        cogruntime.DataqueryConfig(identifier=PLUGIN, from_json_hook=KueriClickHouse.from_json)
    )


# --- Grafana SQL shared by the boards -------------------------------------------------------------------------

PER = f"toDate($__toTime, '{ZONA}')"
"""The as-of date: the last day of the dashboard's time range (WITA)."""
DARI = f"toDate($__fromTime, '{ZONA}')"
"""The first day of the dashboard's time range (WITA), for flows (surat, peristiwa)."""


def saring_wilayah(kecamatan: str = "kode_kecamatan", kelurahan: str = "kode_kelurahan") -> str:
    """The cascading kecamatan → kelurahan filter; "Semua" (All) drops the condition (``$__conditionalAll``)."""
    return (
        f"$__conditionalAll({kecamatan} IN (${{kecamatan:singlequote}}), $kecamatan) "
        f"AND $__conditionalAll({kelurahan} IN (${{kelurahan:singlequote}}), $kelurahan)"
    )


_PARAM = re.compile(r"(?<!\$)\{(\w+):([\w()]+)\}")
KOLOM_KOTA = "kode_kota"
"""Pass this as ``kolom_wilayah`` to the query layer: its ``kode_kota = {wilayah:String}`` condition becomes
the dashboard's kecamatan → kelurahan filter (:func:`saring_wilayah`)."""


def dari_lapisan_kueri(sql: str, database: str, nilai: dict[str, str] | None = None) -> str:
    """Turn the query layer's SQL (``{db}``, ``{name:Type}`` server parameters) into Grafana SQL.

    The wilayah condition becomes the variables' filter; ``per`` and ``dari`` default to the time range's
    end and start (:data:`PER`, :data:`DARI`); ``nilai`` maps any other parameter to its Grafana SQL
    expression. A parameter left without one is an error, so a change in the query layer cannot slip through.
    """
    isi = {"per": f"toDate32({PER})", "dari": f"toDate32({DARI})", **(nilai or {})}
    hasil = sql.replace("{db}", database).replace(
        f"{KOLOM_KOTA} = {{wilayah:String}}", f"({saring_wilayah()})"
    )

    def ganti(m: re.Match[str]) -> str:
        if m.group(1) not in isi:
            raise KeyError(f"no Grafana value for query parameter {m.group(0)}")
        return isi[m.group(1)]

    return _PARAM.sub(ganti, hasil)


def literal(teks: str) -> str:
    """A ClickHouse string literal."""
    return "'" + teks.replace("\\", "\\\\").replace("'", "\\'") + "'"
