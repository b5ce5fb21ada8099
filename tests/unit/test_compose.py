"""The production stack as files: docker-compose.yml, .env.example, infra/clickhouse and infra/prometheus.

Offline checks of what ``docker compose up`` relies on: health-gated start order, pinned images, guarded
secrets, named volumes for data, read-only config mounts, the Grafana, ClickHouse and Prometheus wiring, the
demo profile. The compose file is also validated against the Compose Specification JSON schema that
check-jsonschema vendors, and with ``docker compose config -q`` when a Compose v2+ CLI is on PATH.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.main import get_command

from satudata.cli.main import app as cli_app
from satudata.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
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


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _services() -> dict[str, dict[str, Any]]:
    services = _compose()["services"]
    assert isinstance(services, dict)
    return services


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    assert isinstance(env, dict), "environment as a mapping (KEY: value), not a list"
    return {str(k): str(v) for k, v in env.items()}


def _env_example() -> dict[str, str]:
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


def _interpolations() -> list[tuple[str, str | None, str]]:
    """(variable, operator, argument) of every ``${…}`` in the compose file's values (not its comments)."""
    return [(m[1], m[2], m[3] or "") for text in _strings(_compose()) for m in INTERPOLATION.finditer(text)]


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def _interpolate(node: Any, env: dict[str, str]) -> Any:
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
        return {k: _interpolate(v, env) for k, v in node.items()}
    if isinstance(node, list):
        return [_interpolate(v, env) for v in node]
    return node


def _volumes(service: dict[str, Any]) -> list[tuple[str, str, bool]]:
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


def _settings_env_names() -> set[str]:
    """Environment names the hub's Settings reads (SATUDATA_<field> or a field's validation alias)."""
    names = set()
    for name, field in Settings.model_fields.items():
        names.add(f"SATUDATA_{name.upper()}")
        if isinstance(field.validation_alias, str):
            names.add(field.validation_alias)
    return names


def _xml(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == "clickhouse", f"{path.name}: root element <clickhouse>"
    return root


def _clickhouse_users() -> tuple[dict[str, ET.Element], dict[str, ET.Element]]:
    """Users and profiles defined by infra/clickhouse/users.d/*.xml, by name."""
    users: dict[str, ET.Element] = {}
    profiles: dict[str, ET.Element] = {}
    for path in sorted(CLICKHOUSE_USERS.glob("*.xml")):
        root = _xml(path)
        for section, into in (("users", users), ("profiles", profiles)):
            for el in root.iterfind(f"{section}/*"):
                assert el.tag not in into, f"{el.tag} defined twice in users.d"
                into[el.tag] = el
    return users, profiles


def _text(el: ET.Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _version(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in v.split("."))


def _provisioning(kind: str) -> list[dict[str, Any]]:
    files = sorted((GRAFANA_PROVISIONING / kind).glob("*.y*ml")) if GRAFANA_PROVISIONING.is_dir() else []
    out = []
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            out.append(data)
    return out


# --------------------------------------------------------------------------------------------------------
# the compose file
# --------------------------------------------------------------------------------------------------------


def test_the_stack_has_every_service() -> None:
    assert _compose()["name"] == "satudata", "fixed project name: docs/deploy.md names the volumes satudata_*"
    assert set(_services()) == SERVICES
    for name in HUB:
        assert _services()[name]["build"] == ".", f"{name}: built from the repository's Dockerfile"


def test_start_order_waits_for_healthy_dependencies() -> None:
    services = _services()
    for name, service in services.items():
        deps = service.get("depends_on")
        if deps is None:
            continue
        assert isinstance(deps, dict), f"{name}: depends_on as a mapping with conditions, not a list"
        for dep, how in deps.items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            assert how.get("condition") == "service_healthy", f"{name} → {dep}: condition service_healthy"
            check = services[dep].get("healthcheck") or {}
            assert check.get("test") and not check.get("disable"), (
                f"{dep} (needed by {name}) has no healthcheck"
            )
            assert check["test"] != ["NONE"], f"{dep}: healthcheck disabled"
    # the hub's processes start after the API, which runs the migrations and creates the topics
    for name in ("sink", "worker", "simulator"):
        assert "api" in services[name]["depends_on"]
    assert set(services["api"]["depends_on"]) == {"kafka", "clickhouse"}
    assert set(services["grafana"]["depends_on"]) >= {"clickhouse", "prometheus"}


def test_every_long_running_service_restarts_and_none_has_a_fixed_name() -> None:
    for name, service in _services().items():
        assert "container_name" not in service, f"{name}: container_name prevents --scale and parallel stacks"
        assert service.get("restart") == "unless-stopped", f"{name}: restart unless-stopped"


def test_images_are_pinned() -> None:
    for name, service in _services().items():
        if "image" not in service:
            assert "build" in service, f"{name}: neither image nor build"
            continue
        image = str(service["image"])
        repo, _, tag = image.rpartition(":")
        assert repo and "/" not in tag, f"{name}: image {image!r} has no tag"
        assert tag and tag != "latest" and "$" not in tag, f"{name}: image {image!r} not pinned"
    images = {n: str(s.get("image", "")) for n, s in _services().items()}
    assert images["kafka"].startswith("apache/kafka:4.1.")
    assert images["clickhouse"].startswith("clickhouse/clickhouse-server:25.8")
    assert images["grafana"].startswith("grafana/grafana:11.6.")
    assert images["prometheus"].startswith("prom/prometheus:v3.")


def test_secrets_are_required_and_never_defaulted() -> None:
    seen: set[str] = set()
    for name, op, arg in _interpolations():
        if SECRET_NAME.search(name):
            seen.add(name)
            assert op == ":?" and arg.strip(), (
                f"${{{name}}} must be ${{{name}:?message}} (no default, no empty)"
            )
    assert seen >= SECRETS
    for text in _strings(_compose()):
        assert not BARE_VARIABLE.search(text), f"use ${{VAR}} (braced) for every variable: {text!r}"
    for name, service in _services().items():
        for key, value in _env(service).items():
            if SECRET_NAME.search(key):
                assert re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]+\}", value), (
                    f"{name}.{key}: literal secret {value!r}"
                )
    for text in _strings(_compose()):  # credentials inside URLs, e.g. the ClickHouse DSN
        for userinfo in re.findall(r"://[^/@\s]*:([^/@\s]+)@", text):
            assert re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]+\}", userinfo), f"literal password in URL {text!r}"


def test_env_example_lists_every_variable_with_placeholders_and_comments() -> None:
    example = _env_example()
    used = {name for name, _, _ in _interpolations()}
    assert used - set(example) == set(), f"missing from .env.example: {sorted(used - set(example))}"
    assert set(example) - used == set(), f"not used by docker-compose.yml: {sorted(set(example) - used)}"
    for name, op, arg in _interpolations():
        if op == ":-":
            assert example[name] == arg, (
                f"{name}: .env.example says {example[name]!r}, compose default {arg!r}"
            )
    for name in SECRETS:
        assert example[name].startswith("ganti"), (
            f"{name}: .env.example must hold a placeholder, not a secret"
        )
    # every variable sits in a commented block
    blocks = ENV_EXAMPLE.read_text(encoding="utf-8").split("\n\n")
    for block in blocks:
        lines = [x.strip() for x in block.splitlines() if x.strip()]
        if any(not x.startswith("#") for x in lines):
            assert any(x.startswith("#") for x in lines), f".env.example: uncommented block {lines}"


def test_hub_environment_names_are_settings_the_hub_reads() -> None:
    known = _settings_env_names()
    for name in HUB:
        for key in _env(_services()[name]):
            if key.startswith("SATUDATA_") or key == "KAFKA_BOOTSTRAP_SERVERS":
                assert key in known, f"{name}.{key} is not a Settings field: the hub would ignore it"
    env = _env(_services()["api"])
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["SATUDATA_SCHEMA_REGISTRY_URL"] == "http://api:8000/registry"
    dsn = env["SATUDATA_CLICKHOUSE_DSN"]
    assert dsn.startswith(f"http://{WRITER}:") and dsn.endswith("@clickhouse:8123"), dsn
    for name in HUB:  # one environment for the whole hub (the anchor)
        sub = _env(_services()[name])
        assert {k: sub[k] for k in env} == env, f"{name}: not the hub's shared environment"


def test_data_lives_on_named_volumes_and_config_is_mounted_read_only() -> None:
    compose = _compose()
    declared = set(compose.get("volumes") or {})
    used: set[str] = set()
    for name, service in compose["services"].items():
        for source, _target, read_only in _volumes(service):
            if source.startswith((".", "/", "~")):
                assert source.startswith(("./grafana/", "./infra/")), (
                    f"{name}: bind mount {source} outside config"
                )
                assert read_only, f"{name}: config bind mount {source} must be :ro"
                assert (ROOT / source).exists(), f"{name}: {source} does not exist in the repository"
            else:
                assert source in declared, f"{name}: volume {source} is not declared under volumes:"
                used.add(source)
        targets = {t: s for s, t, _ in _volumes(service)}
        if name in DATA_VOLUMES:
            source = targets.get(DATA_VOLUMES[name], "")
            assert source in declared, f"{name}: {DATA_VOLUMES[name]} must be a named volume"
    assert declared == used, f"declared but unused volumes: {sorted(declared - used)}"


def test_only_api_grafana_and_local_prometheus_publish_ports() -> None:
    services = _services()
    published = {n for n, s in services.items() if s.get("ports")}
    assert published == {"api", "grafana", "prometheus"}
    assert all(str(p).startswith("127.0.0.1:") for p in services["prometheus"]["ports"])
    assert [str(p).rsplit(":", 2)[-2:] for p in services["api"]["ports"]] == [["8000", "8000"]]
    assert [str(p).rsplit(":", 2)[-2:] for p in services["grafana"]["ports"]] == [["3000", "3000"]]


def test_workers_scale_by_partitions() -> None:
    worker = _services()["worker"]
    assert "ports" not in worker and "hostname" not in worker and "container_name" not in worker
    env = _env(worker)
    assert env["SATUDATA_FAUST_WEB_HOST"] == "0.0.0.0", (
        "the worker's /metrics must be reachable by Prometheus"
    )
    assert not _volumes(worker), "workers keep no local state (tables come back from their changelogs)"
    assert _env_example()["SATUDATA_TOPIC_PARTITIONS"] == str(
        Settings.model_fields["topic_partitions"].default
    )


def test_grafana_is_locked_down_and_provisioned_from_the_repository() -> None:
    grafana = _services()["grafana"]
    env = _env(grafana)
    assert env["GF_AUTH_ANONYMOUS_ENABLED"] == "false"
    assert env["GF_USERS_ALLOW_SIGN_UP"] == "false"
    assert env["GF_SECURITY_ADMIN_PASSWORD"].startswith("${GRAFANA_ADMIN_PASSWORD:?")
    assert env["CLICKHOUSE_READER_PASSWORD"].startswith("${CLICKHOUSE_READER_PASSWORD:?")
    plugins = env.get("GF_PLUGINS_PREINSTALL", "") + "," + env.get("GF_PLUGINS_PREINSTALL_SYNC", "")
    pinned = re.search(rf"(?:^|,)\s*{CLICKHOUSE_PLUGIN}@(\d+\.\d+\.\d+)", plugins)
    assert pinned, f"{CLICKHOUSE_PLUGIN} must be preinstalled at a pinned version (id@x.y.z)"
    assert _version(pinned[1]) >= MIN_PLUGIN
    mounts = {t: (s, ro) for s, t, ro in _volumes(grafana)}
    assert mounts["/etc/grafana/provisioning"] == ("./grafana/provisioning", True)
    assert mounts["/var/lib/grafana/dashboards"] == ("./grafana/dashboards", True)
    assert (ROOT / "grafana" / "provisioning").is_dir() and (ROOT / "grafana" / "dashboards").is_dir()
    assert "/api/health" in " ".join(grafana["healthcheck"]["test"])


def test_grafana_provisioning_matches_the_stack() -> None:
    """Cross-check of grafana/provisioning (written elsewhere) against the services and the reader user."""
    datasources = [d for f in _provisioning("datasources") for d in f.get("datasources") or []]
    providers = [p for f in _provisioning("dashboards") for p in f.get("providers") or []]
    if not datasources and not providers:
        pytest.skip("grafana/provisioning has no datasources or dashboard providers yet")
    env = _env(_services()["grafana"])
    for path in GRAFANA_PROVISIONING.rglob("*.y*ml"):
        for var in re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", path.read_text(encoding="utf-8")):
            if not var.startswith("__"):
                assert var in env, f"{path.relative_to(ROOT)} reads ${var}, which grafana's environment lacks"
    for ds in datasources:
        if ds.get("type") == CLICKHOUSE_PLUGIN:
            data = ds.get("jsonData") or {}
            assert data.get("host") == "clickhouse" and int(data.get("port", 0)) == 9000, data
            assert data.get("protocol", "native") == "native"
            assert data.get("username") == READER and data.get("defaultDatabase") == "satudata", data
            password = (ds.get("secureJsonData") or {}).get("password", "")
            assert "CLICKHOUSE_READER_PASSWORD" in password, "the datasource password comes from the env"
        elif ds.get("type") == "prometheus":
            assert ds.get("url") == "http://prometheus:9090"
    for provider in providers:
        if provider.get("type", "file") == "file":
            folder = str((provider.get("options") or {}).get("path", ""))
            assert folder.startswith("/var/lib/grafana/dashboards"), f"provider reads {folder}, not the mount"


def test_demo_profile_runs_the_simulator_against_the_api() -> None:
    services = _services()
    assert services["simulator"]["profiles"] == ["demo"]
    assert [n for n, s in services.items() if s.get("profiles")] == ["simulator"]
    assert _env(services["simulator"])["SATUDATA_API_HOST"] == "api"
    # the commands and options the compose file passes exist in the CLI
    cli: Any = get_command(cli_app)  # a click group (Typer's own click)
    for name in HUB:
        command = [str(c) for c in services[name]["command"]]
        assert command[0] in cli.commands, f"{name}: `satudata {command[0]}` does not exist"
        options = {o for p in cli.commands[command[0]].params for o in p.opts}
        for arg in command[1:]:
            if arg.startswith("--"):
                assert arg in options, f"{name}: `satudata {command[0]}` has no option {arg}"


def test_prometheus_scrapes_the_hub_services_on_their_metrics_ports() -> None:
    config = yaml.safe_load(PROMETHEUS.read_text(encoding="utf-8"))
    static: set[tuple[str, int]] = set()
    discovered: set[tuple[str, int]] = set()
    for job in config["scrape_configs"]:
        assert job.get("metrics_path", "/metrics") == "/metrics"
        for sc in job.get("static_configs") or []:
            for target in sc["targets"]:
                host, _, port = str(target).rpartition(":")
                static.add((host, int(port)))
        for sd in job.get("dns_sd_configs") or []:
            assert sd.get("type", "SRV") == "A", "compose's DNS answers A records"
            discovered |= {(str(n), int(sd["port"])) for n in sd["names"]}
    services = _services()
    fields = Settings.model_fields
    worker_port = int(
        _env(services["worker"]).get("SATUDATA_FAUST_WEB_PORT", fields["faust_web_port"].default)
    )
    sink_port = int(_env(services["sink"])["SATUDATA_SINK_METRICS_PORT"])
    assert ("api", int(fields["api_port"].default)) in static
    # scaled services: every replica is a target, so they are discovered, not listed
    assert ("worker", worker_port) in discovered and worker_port == 6066
    assert ("sink", sink_port) in discovered
    for host, _ in static | discovered:
        assert host in services or host == "localhost", f"prometheus target {host} is not a compose service"
    for name, metrics_port in (("api", 8000), ("worker", worker_port), ("sink", sink_port)):
        assert f"localhost:{metrics_port}/" in " ".join(services[name]["healthcheck"]["test"])
    assert ("./infra/prometheus/prometheus.yml", "/etc/prometheus/prometheus.yml", True) in _volumes(
        services["prometheus"]
    )


# --------------------------------------------------------------------------------------------------------
# ClickHouse users and server config
# --------------------------------------------------------------------------------------------------------


def test_clickhouse_defines_the_writer_and_a_restricted_reader() -> None:
    users, profiles = _clickhouse_users()
    assert users["default"].get("remove") in ("remove", "1", "true"), (
        "the image's open `default` user is removed"
    )
    env = _env(_services()["clickhouse"])
    assert env["CLICKHOUSE_SKIP_USER_SETUP"] == "1", "users only from infra/clickhouse/users.d"
    for name in (WRITER, READER):
        user = users[name]
        password = user.find("password")
        assert password is not None and not _text(password), f"{name}: no literal password in the XML"
        var = password.get("from_env", "")
        assert var in SECRETS and env.get(var, "").startswith(f"${{{var}:?"), f"{name}: password from {var!r}"
        assert _text(user.find("access_management")) in ("", "0")
        for tag in ("password_sha256_hex", "password_double_sha1_hex", "no_password"):
            assert user.find(tag) is None, f"{name}: <{tag}>"
    reader = users[READER]
    grants = [_text(q) for q in reader.iterfind("grants/query")]
    assert grants and all(re.fullmatch(r"GRANT SELECT ON satudata\.\*", g) for g in grants), grants
    assert reader.find("allow_databases") is None
    profile = profiles[_text(reader.find("profile"))]
    readonly = _text(profile.find("readonly"))
    assert readonly in ("1", "2"), "the reader's profile is read-only"
    if readonly == "1":  # the plugin sets max_execution_time on every query: it must stay changeable
        assert profile.find("constraints/max_execution_time/changeable_in_readonly") is not None
        replace = _xml(CLICKHOUSE_CONFIG / "satudata.xml").find(
            "access_control_improvements/settings_constraints_replace_previous"
        )
        assert _text(replace) == "true", "changeable_in_readonly needs settings_constraints_replace_previous"
    assert profile.find("constraints/readonly") is None, "never let the reader change `readonly` itself"


def test_clickhouse_config_files_are_all_mounted_and_backups_have_a_volume() -> None:
    clickhouse = _services()["clickhouse"]
    mounts = {s: t for s, t, _ in _volumes(clickhouse)}
    for folder, target in ((CLICKHOUSE_USERS, "users.d"), (CLICKHOUSE_CONFIG, "config.d")):
        files = sorted(folder.glob("*.xml"))
        assert files, f"no {folder}"
        for path in files:
            source = f"./{path.relative_to(ROOT).as_posix()}"
            assert mounts.get(source) == f"/etc/clickhouse-server/{target}/{path.name}", (
                f"{source} not mounted"
            )
            _xml(path)
    config = _xml(CLICKHOUSE_CONFIG / "satudata.xml")
    disk = _text(config.find("backups/allowed_disk"))
    disk_path = _text(config.find(f"storage_configuration/disks/{disk}/path"))
    assert disk and disk_path, "a disk for BACKUP … TO Disk(…)"
    named = {t for s, t, _ in _volumes(clickhouse) if not s.startswith(".")}
    assert disk_path.rstrip("/") in named, f"backup disk {disk_path} is not on a named volume"


# --------------------------------------------------------------------------------------------------------
# the Compose Specification and the real CLI
# --------------------------------------------------------------------------------------------------------


def _compose_spec_schema() -> dict[str, Any] | None:
    """The compose-spec JSON schema vendored by check-jsonschema, if that package is installed."""
    try:
        dist = importlib.metadata.distribution("check-jsonschema")
    except importlib.metadata.PackageNotFoundError:
        return None
    path = Path(str(dist.locate_file("check_jsonschema/builtin_schemas/vendor/compose-spec.json")))
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(schema, dict)
    return schema


def test_compose_file_follows_the_compose_specification() -> None:
    schema = _compose_spec_schema()
    if schema is None:
        pytest.skip("check-jsonschema (which vendors the compose-spec schema) is not installed")
    jsonschema = importlib.import_module("jsonschema")
    validator = jsonschema.Draft7Validator(schema)  # the schema declares draft-07
    document = _interpolate(_compose(), _env_example())
    problems = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)
    ]
    assert problems == []
    # and the schema does reject what it should (the check is live)
    broken = json.loads(json.dumps(document))
    broken["services"]["api"]["depends_on"]["kafka"]["condition"] = "when_ready"
    assert list(validator.iter_errors(broken))


def _compose_cli() -> list[str] | None:
    """A Compose v2+ CLI: ``docker compose`` (plugin) or a standalone ``docker-compose`` ≥ 2."""
    if shutil.which("docker"):
        r = subprocess.run(
            ["docker", "compose", "version", "--short"], capture_output=True, text=True, timeout=60
        )
        if r.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        r = subprocess.run(
            ["docker-compose", "version", "--short"], capture_output=True, text=True, timeout=60
        )
        major = re.match(r"v?(\d+)\.", r.stdout.strip())
        if r.returncode == 0 and major and int(major[1]) >= 2:  # 1.x predates the Compose Specification
            return ["docker-compose"]
    return None


def _run_compose_config(cli: list[str], env_file: Path) -> subprocess.CompletedProcess[str]:
    names = set(_env_example()) | {"COMPOSE_PROFILES", "COMPOSE_FILE", "COMPOSE_PROJECT_NAME"}
    env = {k: v for k, v in os.environ.items() if k not in names}
    argv = [*cli, "--project-directory", str(ROOT), "-f", str(COMPOSE), "--env-file", str(env_file)]
    return subprocess.run(
        [*argv, "--profile", "demo", "config", "-q"], capture_output=True, text=True, env=env, timeout=120
    )


def test_docker_compose_config_accepts_the_stack(tmp_path: Path) -> None:
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no Compose v2+ CLI (docker compose / docker-compose ≥ 2) on PATH")
    env_file = tmp_path / ".env"
    env_file.write_text(ENV_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    r = _run_compose_config(cli, env_file)
    assert r.returncode == 0, r.stderr
    # a missing secret stops compose
    without = [
        x
        for x in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if not x.startswith("CLICKHOUSE_PASSWORD=")
    ]
    env_file.write_text("\n".join(without) + "\n", encoding="utf-8")
    r = _run_compose_config(cli, env_file)
    assert r.returncode != 0 and "CLICKHOUSE_PASSWORD" in r.stderr, r.stderr
