"""The production stack's compose file and .env.example: health-gated start order, pinned images, guarded
secrets, named volumes for data, read-only config mounts, Grafana locked down, the demo profile, workers that
scale. Validated against the Compose Specification JSON schema that check-jsonschema vendors, and with
``docker compose config -q`` when a Compose v2+ CLI is on PATH (the one test that can skip: this machine has
none).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from satudata.cli.main import app as cli_app
from satudata.settings import Settings
from tests.stack import (
    BARE_VARIABLE,
    CLICKHOUSE_PLUGIN,
    COMPOSE,
    DATA_VOLUMES,
    ENV_EXAMPLE,
    HUB,
    MIN_PLUGIN,
    ROOT,
    SECRET_NAME,
    SECRETS,
    SERVICES,
    WRITER,
    compose_file,
    env_example,
    env_of,
    interpolate,
    interpolations,
    services_of,
    settings_env_names,
    strings_in,
    version_tuple,
    volumes_of,
)


def test_the_stack_has_every_service() -> None:
    assert compose_file()["name"] == "satudata", (
        "fixed project name: docs/deploy.md names the volumes satudata_*"
    )
    assert set(services_of()) == SERVICES
    for name in HUB:
        assert services_of()[name]["build"] == ".", f"{name}: built from the repository's Dockerfile"


def test_start_order_waits_for_healthy_dependencies() -> None:
    services = services_of()
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
    for name, service in services_of().items():
        assert "container_name" not in service, f"{name}: container_name prevents --scale and parallel stacks"
        assert service.get("restart") == "unless-stopped", f"{name}: restart unless-stopped"


def test_images_are_pinned() -> None:
    for name, service in services_of().items():
        if "image" not in service:
            assert "build" in service, f"{name}: neither image nor build"
            continue
        image = str(service["image"])
        repo, _, tag = image.rpartition(":")
        assert repo and "/" not in tag, f"{name}: image {image!r} has no tag"
        assert tag and tag != "latest" and "$" not in tag, f"{name}: image {image!r} not pinned"
    images = {n: str(s.get("image", "")) for n, s in services_of().items()}
    assert images["kafka"].startswith("apache/kafka:4.1.")
    assert images["clickhouse"].startswith("clickhouse/clickhouse-server:25.8")
    assert images["grafana"].startswith("grafana/grafana:11.6.")
    assert images["prometheus"].startswith("prom/prometheus:v3.")


def test_secrets_are_required_and_never_defaulted() -> None:
    seen: set[str] = set()
    for name, op, arg in interpolations():
        if SECRET_NAME.search(name):
            seen.add(name)
            assert op == ":?" and arg.strip(), (
                f"${{{name}}} must be ${{{name}:?message}} (no default, no empty)"
            )
    assert seen >= SECRETS
    for text in strings_in(compose_file()):
        assert not BARE_VARIABLE.search(text), f"use ${{VAR}} (braced) for every variable: {text!r}"
    for name, service in services_of().items():
        for key, value in env_of(service).items():
            if SECRET_NAME.search(key):
                assert re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]+\}", value), (
                    f"{name}.{key}: literal secret {value!r}"
                )
    for text in strings_in(compose_file()):  # credentials inside URLs, e.g. the ClickHouse DSN
        for userinfo in re.findall(r"://[^/@\s]*:([^/@\s]+)@", text):
            assert re.fullmatch(r"\$\{[A-Z0-9_]+:\?[^}]+\}", userinfo), f"literal password in URL {text!r}"


def test_env_example_lists_every_variable_with_placeholders_and_comments() -> None:
    example = env_example()
    used = {name for name, _, _ in interpolations()}
    assert used - set(example) == set(), f"missing from .env.example: {sorted(used - set(example))}"
    assert set(example) - used == set(), f"not used by docker-compose.yml: {sorted(set(example) - used)}"
    for name, op, arg in interpolations():
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
    known = settings_env_names()
    for name in HUB:
        for key in env_of(services_of()[name]):
            if key.startswith("SATUDATA_") or key == "KAFKA_BOOTSTRAP_SERVERS":
                assert key in known, f"{name}.{key} is not a Settings field: the hub would ignore it"
    env = env_of(services_of()["api"])
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["SATUDATA_SCHEMA_REGISTRY_URL"] == "http://api:8000/registry"
    dsn = env["SATUDATA_CLICKHOUSE_DSN"]
    assert dsn.startswith(f"http://{WRITER}:") and dsn.endswith("@clickhouse:8123"), dsn
    for name in HUB:  # one environment for the whole hub (the anchor)
        sub = env_of(services_of()[name])
        assert {k: sub[k] for k in env} == env, f"{name}: not the hub's shared environment"


def test_data_lives_on_named_volumes_and_config_is_mounted_read_only() -> None:
    compose = compose_file()
    declared = set(compose.get("volumes") or {})
    used: set[str] = set()
    for name, service in compose["services"].items():
        for source, _target, read_only in volumes_of(service):
            if source.startswith((".", "/", "~")):
                assert source.startswith(("./grafana/", "./infra/")), (
                    f"{name}: bind mount {source} outside config"
                )
                assert read_only, f"{name}: config bind mount {source} must be :ro"
                assert (ROOT / source).exists(), f"{name}: {source} does not exist in the repository"
            else:
                assert source in declared, f"{name}: volume {source} is not declared under volumes:"
                used.add(source)
        targets = {t: s for s, t, _ in volumes_of(service)}
        if name in DATA_VOLUMES:
            source = targets.get(DATA_VOLUMES[name], "")
            assert source in declared, f"{name}: {DATA_VOLUMES[name]} must be a named volume"
    assert declared == used, f"declared but unused volumes: {sorted(declared - used)}"


def test_only_api_grafana_and_local_prometheus_publish_ports() -> None:
    services = services_of()
    published = {n for n, s in services.items() if s.get("ports")}
    assert published == {"api", "grafana", "prometheus"}
    assert all(str(p).startswith("127.0.0.1:") for p in services["prometheus"]["ports"])
    assert [str(p).rsplit(":", 2)[-2:] for p in services["api"]["ports"]] == [["8000", "8000"]]
    assert [str(p).rsplit(":", 2)[-2:] for p in services["grafana"]["ports"]] == [["3000", "3000"]]


def test_workers_scale_by_partitions() -> None:
    worker = services_of()["worker"]
    assert "ports" not in worker and "hostname" not in worker and "container_name" not in worker
    env = env_of(worker)
    assert env["SATUDATA_FAUST_WEB_HOST"] == "0.0.0.0", (
        "the worker's /metrics must be reachable by Prometheus"
    )
    assert not volumes_of(worker), "workers keep no local state (tables come back from their changelogs)"
    assert env_example()["SATUDATA_TOPIC_PARTITIONS"] == str(
        Settings.model_fields["topic_partitions"].default
    )


def test_grafana_is_locked_down_and_provisioned_from_the_repository() -> None:
    grafana = services_of()["grafana"]
    env = env_of(grafana)
    assert env["GF_AUTH_ANONYMOUS_ENABLED"] == "false"
    assert env["GF_USERS_ALLOW_SIGN_UP"] == "false"
    assert env["GF_SECURITY_ADMIN_PASSWORD"].startswith("${GRAFANA_ADMIN_PASSWORD:?")
    assert env["CLICKHOUSE_READER_PASSWORD"].startswith("${CLICKHOUSE_READER_PASSWORD:?")
    plugins = env.get("GF_PLUGINS_PREINSTALL", "") + "," + env.get("GF_PLUGINS_PREINSTALL_SYNC", "")
    pinned = re.search(rf"(?:^|,)\s*{CLICKHOUSE_PLUGIN}@(\d+\.\d+\.\d+)", plugins)
    assert pinned, f"{CLICKHOUSE_PLUGIN} must be preinstalled at a pinned version (id@x.y.z)"
    assert version_tuple(pinned[1]) >= MIN_PLUGIN
    mounts = {t: (s, ro) for s, t, ro in volumes_of(grafana)}
    assert mounts["/etc/grafana/provisioning"] == ("./grafana/provisioning", True)
    assert mounts["/var/lib/grafana/dashboards"] == ("./grafana/dashboards", True)
    assert (ROOT / "grafana" / "provisioning").is_dir() and (ROOT / "grafana" / "dashboards").is_dir()
    assert "/api/health" in " ".join(grafana["healthcheck"]["test"])


def test_demo_profile_runs_the_simulator_against_the_api() -> None:
    services = services_of()
    assert services["simulator"]["profiles"] == ["demo"]
    assert [n for n, s in services.items() if s.get("profiles")] == ["simulator"]
    assert env_of(services["simulator"])["SATUDATA_API_HOST"] == "api"
    # the commands and options the compose file passes exist in the CLI
    cli: Any = get_command(cli_app)  # a click group (Typer's own click)
    for name in HUB:
        command = [str(c) for c in services[name]["command"]]
        assert command[0] in cli.commands, f"{name}: `satudata {command[0]}` does not exist"
        options = {o for p in cli.commands[command[0]].params for o in p.opts}
        for arg in command[1:]:
            if arg.startswith("--"):
                assert arg in options, f"{name}: `satudata {command[0]}` has no option {arg}"


# --------------------------------------------------------------------------------------------------------
# the Compose Specification and the real CLI
# --------------------------------------------------------------------------------------------------------


def _compose_spec_schema() -> dict[str, Any]:
    """The compose-spec JSON schema vendored by check-jsonschema, if that package is installed."""
    dist = importlib.metadata.distribution("check-jsonschema")  # a dev dependency: missing = a broken install
    path = Path(str(dist.locate_file("check_jsonschema/builtin_schemas/vendor/compose-spec.json")))
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(schema, dict)
    return schema


def test_compose_file_follows_the_compose_specification() -> None:
    schema = _compose_spec_schema()
    jsonschema = importlib.import_module("jsonschema")
    validator = jsonschema.Draft7Validator(schema)  # the schema declares draft-07
    document = interpolate(compose_file(), env_example())
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
    names = set(env_example()) | {"COMPOSE_PROFILES", "COMPOSE_FILE", "COMPOSE_PROJECT_NAME"}
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
