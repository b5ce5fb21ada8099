"""The configuration the stack mounts, checked against the compose file: Grafana's provisioning (the
datasources and the reader user), Prometheus' scrape targets, and ClickHouse's users (a writer and a
restricted reader) and server config.
"""

from __future__ import annotations

import re

import yaml

from satudata.settings import Settings
from tests.stack import (
    CLICKHOUSE_CONFIG,
    CLICKHOUSE_PLUGIN,
    CLICKHOUSE_USERS,
    GRAFANA_PROVISIONING,
    PROMETHEUS,
    READER,
    ROOT,
    SECRETS,
    WRITER,
    clickhouse_users,
    env_of,
    parse_xml,
    provisioning_files,
    services_of,
    text_of,
    volumes_of,
)


def test_grafana_provisioning_matches_the_stack() -> None:
    """Cross-check of grafana/provisioning (written elsewhere) against the services and the reader user."""
    datasources = [d for f in provisioning_files("datasources") for d in f.get("datasources") or []]
    providers = [p for f in provisioning_files("dashboards") for p in f.get("providers") or []]
    assert datasources and providers, "grafana/provisioning has no datasources or dashboard providers"
    env = env_of(services_of()["grafana"])
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
    services = services_of()
    fields = Settings.model_fields
    worker_port = int(
        env_of(services["worker"]).get("SATUDATA_FAUST_WEB_PORT", fields["faust_web_port"].default)
    )
    sink_port = int(env_of(services["sink"])["SATUDATA_SINK_METRICS_PORT"])
    assert ("api", int(fields["api_port"].default)) in static
    # scaled services: every replica is a target, so they are discovered, not listed
    assert ("worker", worker_port) in discovered and worker_port == 6066
    assert ("sink", sink_port) in discovered
    for host, _ in static | discovered:
        assert host in services or host == "localhost", f"prometheus target {host} is not a compose service"
    for name, metrics_port in (("api", 8000), ("worker", worker_port), ("sink", sink_port)):
        assert f"localhost:{metrics_port}/" in " ".join(services[name]["healthcheck"]["test"])
    assert ("./infra/prometheus/prometheus.yml", "/etc/prometheus/prometheus.yml", True) in volumes_of(
        services["prometheus"]
    )


# --------------------------------------------------------------------------------------------------------
# ClickHouse users and server config
# --------------------------------------------------------------------------------------------------------


def test_clickhouse_defines_the_writer_and_a_restricted_reader() -> None:
    users, profiles = clickhouse_users()
    assert users["default"].get("remove") in ("remove", "1", "true"), (
        "the image's open `default` user is removed"
    )
    env = env_of(services_of()["clickhouse"])
    assert env["CLICKHOUSE_SKIP_USER_SETUP"] == "1", "users only from infra/clickhouse/users.d"
    for name in (WRITER, READER):
        user = users[name]
        password = user.find("password")
        assert password is not None and not text_of(password), f"{name}: no literal password in the XML"
        var = password.get("from_env", "")
        assert var in SECRETS and env.get(var, "").startswith(f"${{{var}:?"), f"{name}: password from {var!r}"
        assert text_of(user.find("access_management")) in ("", "0")
        for tag in ("password_sha256_hex", "password_double_sha1_hex", "no_password"):
            assert user.find(tag) is None, f"{name}: <{tag}>"
    reader = users[READER]
    grants = [text_of(q) for q in reader.iterfind("grants/query")]
    assert grants and all(re.fullmatch(r"GRANT SELECT ON satudata\.\*", g) for g in grants), grants
    assert reader.find("allow_databases") is None
    profile = profiles[text_of(reader.find("profile"))]
    readonly = text_of(profile.find("readonly"))
    assert readonly in ("1", "2"), "the reader's profile is read-only"
    if readonly == "1":  # the plugin sets max_execution_time on every query: it must stay changeable
        assert profile.find("constraints/max_execution_time/changeable_in_readonly") is not None
        replace = parse_xml(CLICKHOUSE_CONFIG / "satudata.xml").find(
            "access_control_improvements/settings_constraints_replace_previous"
        )
        assert text_of(replace) == "true", (
            "changeable_in_readonly needs settings_constraints_replace_previous"
        )
    assert profile.find("constraints/readonly") is None, "never let the reader change `readonly` itself"


def test_clickhouse_config_files_are_all_mounted_and_backups_have_a_volume() -> None:
    clickhouse = services_of()["clickhouse"]
    mounts = {s: t for s, t, _ in volumes_of(clickhouse)}
    for folder, target in ((CLICKHOUSE_USERS, "users.d"), (CLICKHOUSE_CONFIG, "config.d")):
        files = sorted(folder.glob("*.xml"))
        assert files, f"no {folder}"
        for path in files:
            source = f"./{path.relative_to(ROOT).as_posix()}"
            assert mounts.get(source) == f"/etc/clickhouse-server/{target}/{path.name}", (
                f"{source} not mounted"
            )
            parse_xml(path)
    config = parse_xml(CLICKHOUSE_CONFIG / "satudata.xml")
    disk = text_of(config.find("backups/allowed_disk"))
    disk_path = text_of(config.find(f"storage_configuration/disks/{disk}/path"))
    assert disk and disk_path, "a disk for BACKUP … TO Disk(…)"
    named = {t for s, t, _ in volumes_of(clickhouse) if not s.startswith(".")}
    assert disk_path.rstrip("/") in named, f"backup disk {disk_path} is not on a named volume"
