"""The production stack's files, read for the tests: docker-compose.yml, .env.example, infra/clickhouse,
infra/prometheus and grafana/provisioning (constants and parsers shared by tests/unit/test_compose*.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from satudata.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
CLICKHOUSE_USERS = ROOT / "infra" / "clickhouse" / "users.d"
CLICKHOUSE_CONFIG = ROOT / "infra" / "clickhouse" / "config.d"
PROMETHEUS = ROOT / "infra" / "prometheus" / "prometheus.yml"
GRAFANA_PROVISIONING = ROOT / "grafana" / "provisioning"

SERVICES = {"kafka", "clickhouse", "api", "sink", "worker", "prometheus", "grafana", "simulator"}
HUB = ("api", "sink", "worker", "simulator")  # the hub's own image, started with another command
DATA_VOLUMES = {  # service → container path that must be on a named volume
    "kafka": "/var/lib/kafka/data",
    "clickhouse": "/var/lib/clickhouse",
    "prometheus": "/prometheus",
    "grafana": "/var/lib/grafana",
}
SECRETS = {
    "CLICKHOUSE_PASSWORD",
    "CLICKHOUSE_READER_PASSWORD",
    "SATUDATA_PSEUDONYM_KEY",
    "GRAFANA_ADMIN_PASSWORD",
}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|(^|_)KEY$")
WRITER, READER = "satudata", "grafana_pembaca"
CLICKHOUSE_PLUGIN = "grafana-clickhouse-datasource"
MIN_PLUGIN = (4, 15, 0)  # plugin ≥ 4.15 for Grafana 11.6

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message}, ${VAR:+x}, ${VAR+x}
INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")
BARE_VARIABLE = re.compile(r"(?<!\$)\$(?!\$)(?!\{)[A-Za-z_]")


# --------------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------------


def compose_file() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def services_of() -> dict[str, dict[str, Any]]:
    services = compose_file()["services"]
    assert isinstance(services, dict)
    return services


def env_of(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    assert isinstance(env, dict), "environment as a mapping (KEY: value), not a list"
    return {str(k): str(v) for k, v in env.items()}


def env_example() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f".env.example: line without '=': {line!r}"
        assert key not in values, f".env.example: {key} twice"
        values[key.strip()] = value.strip()
    return values


def interpolations() -> list[tuple[str, str | None, str]]:
    """(variable, operator, argument) of every ``${…}`` in the compose file's values (not its comments)."""
    return [
        (m[1], m[2], m[3] or "") for text in strings_in(compose_file()) for m in INTERPOLATION.finditer(text)
    ]


def strings_in(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from strings_in(k)
            yield from strings_in(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings_in(v)


def interpolate(node: Any, env: dict[str, str]) -> Any:
    """Compose's variable substitution on every string of the loaded file (raises on a ``:?``/``?`` miss)."""

    def one(m: re.Match[str]) -> str:
        name, op, arg = m[1], m[2], m[3] or ""
        value = env.get(name)
        if op is None:
            return value or ""
        if op == ":-":
            return value if value else arg
        if op == "-":
            return value if value is not None else arg
        if op in (":?", "?"):
            if value is None or (op == ":?" and not value):
                raise KeyError(f"{name}: {arg}")
            return value
        present = bool(value) if op == ":+" else value is not None
        return arg if present else ""

    if isinstance(node, str):
        return INTERPOLATION.sub(one, node).replace("$$", "$")
    if isinstance(node, dict):
        return {k: interpolate(v, env) for k, v in node.items()}
    if isinstance(node, list):
        return [interpolate(v, env) for v in node]
    return node


def volumes_of(service: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(source, target, read_only) of every volume of a service, short or long syntax."""
    out = []
    for v in service.get("volumes") or []:
        if isinstance(v, str):
            parts = v.split(":")
            assert len(parts) in (2, 3), f"volume {v!r}: want source:target[:mode]"
            out.append((parts[0], parts[1], len(parts) == 3 and "ro" in parts[2].split(",")))
        else:
            out.append((str(v["source"]), str(v["target"]), bool(v.get("read_only", False))))
    return out


def settings_env_names() -> set[str]:
    """Environment names the hub's Settings reads (SATUDATA_<field> or a field's validation alias)."""
    names = set()
    for name, field in Settings.model_fields.items():
        names.add(f"SATUDATA_{name.upper()}")
        if isinstance(field.validation_alias, str):
            names.add(field.validation_alias)
    return names


def parse_xml(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == "clickhouse", f"{path.name}: root element <clickhouse>"
    return root


def clickhouse_users() -> tuple[dict[str, ET.Element], dict[str, ET.Element]]:
    """Users and profiles defined by infra/clickhouse/users.d/*.xml, by name."""
    users: dict[str, ET.Element] = {}
    profiles: dict[str, ET.Element] = {}
    for path in sorted(CLICKHOUSE_USERS.glob("*.xml")):
        root = parse_xml(path)
        for section, into in (("users", users), ("profiles", profiles)):
            for el in root.iterfind(f"{section}/*"):
                assert el.tag not in into, f"{el.tag} defined twice in users.d"
                into[el.tag] = el
    return users, profiles


def text_of(el: ET.Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def version_tuple(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in v.split("."))


def provisioning_files(kind: str) -> list[dict[str, Any]]:
    files = sorted((GRAFANA_PROVISIONING / kind).glob("*.y*ml")) if GRAFANA_PROVISIONING.is_dir() else []
    out = []
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            out.append(data)
    return out


# --------------------------------------------------------------------------------------------------------
