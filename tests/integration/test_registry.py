"""The hub's Schema Registry against a real Kafka broker, driven by an unmodified Confluent client.

The app is served by uvicorn on a loopback port and used through python-schema-registry-client's
``AsyncSchemaRegistryClient`` (plus raw HTTP for the error shapes the client hides).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from aiokafka import AIOKafkaConsumer  # type: ignore[import-untyped, unused-ignore]
from fastapi import FastAPI
from schema_registry.client import AsyncSchemaRegistryClient
from schema_registry.client.errors import ClientError

from api.registry import SchemaStore, create_registry_router
from satudata.kafka.broker import free_port
from satudata.kafka.topics import TopicSpec, hub_topics
from satudata.settings import Settings

pytestmark = pytest.mark.integration

MEDIA_TYPE = "application/vnd.schemaregistry.v1+json"
SUBJECT = "simatik.penduduk.v1-value"


def penduduk(*extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "record",
        "name": "Penduduk",
        "namespace": "id.go.bimakota.satudata",
        "fields": [
            {"name": "nik", "type": "string", "pii": True},
            {"name": "umur", "type": "int"},
            *extra,
        ],
    }


V1 = penduduk()
V2 = penduduk({"name": "kode_kelurahan", "type": "string", "default": ""})
NO_DEFAULT = penduduk(V2["fields"][2], {"name": "rt", "type": "string"})
CHANGED_TYPE = {**V2, "fields": [V2["fields"][0], {"name": "umur", "type": "string"}, V2["fields"][2]]}


def make_app(store: SchemaStore) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await store.start()
        app.state.schema_store = store
        try:
            yield
        finally:
            await store.stop()

    app = FastAPI(lifespan=lifespan)
    app.include_router(create_registry_router(), prefix="/registry")
    return app


@asynccontextmanager
async def serve(store: SchemaStore) -> AsyncIterator[str]:
    """Run the app with uvicorn on a free loopback port; yield the registry URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(make_app(store), host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(60):
            while not server.started:
                if task.done():
                    task.result()
                    raise RuntimeError("uvicorn stopped before starting")
                await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}/registry"
    finally:
        server.should_exit = True
        await task


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.1)


async def schema_id_of(client: AsyncSchemaRegistryClient, subject: str, version: int | str = "latest") -> int:
    found = await client.get_schema(subject, version)
    assert found is not None, (subject, version)
    return int(found.schema_id)


@pytest.fixture
def topic(settings: Settings) -> TopicSpec:
    return hub_topics(settings).schemas


async def test_confluent_client_round_trip(settings: Settings, topic: TopicSpec) -> None:
    async with serve(SchemaStore(settings.bootstrap_servers, topic)) as url:
        client = AsyncSchemaRegistryClient(url=url)
        id1 = await client.register(SUBJECT, V1)
        # a fresh client (no cache): re-registering the same schema returns the same id, no new version
        again = AsyncSchemaRegistryClient(url=url)
        assert await again.register(SUBJECT, json.dumps(V1, indent=2)) == id1
        assert await again.get_versions(SUBJECT) == [1]
        # the same schema under another subject reuses the id
        assert await again.register("lain-value", V1) == id1

        id2 = await client.register(SUBJECT, V2)  # BACKWARD-compatible: field added with a default
        assert id2 == id1 + 1
        assert await client.get_versions(SUBJECT) == [1, 2]

        for incompatible in (NO_DEFAULT, CHANGED_TYPE):
            with pytest.raises(ClientError) as info:
                await AsyncSchemaRegistryClient(url=url).register(SUBJECT, incompatible)
            error: Any = info.value.server_traceback
            assert info.value.http_code == 409 and error["error_code"] == 409
            assert "incompatible with an earlier schema" in error["message"]

        by_id = await AsyncSchemaRegistryClient(url=url).get_by_id(id1)
        assert by_id is not None and by_id.raw_schema == V1
        latest = await client.get_schema(SUBJECT)
        assert latest is not None and (latest.version, latest.schema_id) == (2, id2)
        assert await schema_id_of(client, SUBJECT, 1) == id1
        assert await client.get_schema(SUBJECT, version=9) is None

        found = await AsyncSchemaRegistryClient(url=url).check_version(SUBJECT, V1)
        assert found is not None and (found.version, found.schema_id) == (1, id1)
        assert await client.check_version(SUBJECT, NO_DEFAULT) is None
        pairs = await client.get_schema_subject_versions(id1) or []
        assert sorted((p.subject, p.version) for p in pairs) == [("lain-value", 1), (SUBJECT, 1)]

        assert await client.test_compatibility(SUBJECT, V2) is True
        assert await client.test_compatibility(SUBJECT, NO_DEFAULT) is False
        verbose: Any = await client.test_compatibility(SUBJECT, NO_DEFAULT, verbose=True)
        assert verbose["is_compatible"] is False and any("rt" in m for m in verbose["messages"])
        assert await client.test_compatibility(SUBJECT, CHANGED_TYPE, version=1) is False

        assert await client.get_compatibility() == "BACKWARD"
        with pytest.raises(ClientError):  # no subject-level config yet: Confluent's 40408
            await client.get_compatibility(SUBJECT)
        assert await client.update_compatibility("NONE", SUBJECT) is True
        assert await client.get_compatibility(SUBJECT) == "NONE"
        assert await client.get_compatibility() == "BACKWARD"
        assert await AsyncSchemaRegistryClient(url=url).register(SUBJECT, NO_DEFAULT) == id2 + 1
        assert await client.update_compatibility("FULL_TRANSITIVE") is True
        assert await client.get_compatibility() == "FULL_TRANSITIVE"

        assert await client.delete_subject(SUBJECT) == [1, 2, 3]
        assert await client.get_subjects() == ["lain-value"]
        assert await client.get_versions(SUBJECT) == []
        assert await AsyncSchemaRegistryClient(url=url).get_by_id(id2) is not None  # soft delete keeps ids
        assert await client.get_schema(SUBJECT) is None


async def test_rest_shapes_and_errors(settings: Settings, topic: TopicSpec) -> None:
    async with serve(SchemaStore(settings.bootstrap_servers, topic)) as url, httpx.AsyncClient() as http:
        headers = {"Content-Type": MEDIA_TYPE, "Accept": MEDIA_TYPE}

        async def call(method: str, path: str, body: Any = None, **params: Any) -> tuple[int, Any]:
            response = await http.request(method, url + path, json=body, params=params, headers=headers)
            assert response.headers["content-type"].startswith(MEDIA_TYPE)
            return response.status_code, response.json()

        assert await call("GET", "/schemas/types") == (200, ["AVRO"])
        assert await call("GET", "/subjects") == (200, [])
        status, body = await call("POST", f"/subjects/{SUBJECT}/versions", {"schema": json.dumps(V1)})
        assert status == 200 and set(body) == {"id"}
        schema_id = body["id"]
        # plain application/json is accepted too
        lookup_body = {"schema": json.dumps(V1), "schemaType": "AVRO"}
        plain = await http.post(f"{url}/subjects/{SUBJECT}", json=lookup_body)
        assert plain.json() == {
            "subject": SUBJECT,
            "version": 1,
            "id": schema_id,
            "schema": json.dumps(V1, separators=(",", ":")),
        }

        status, latest = await call("GET", f"/subjects/{SUBJECT}/versions/latest")
        assert status == 200 and set(latest) == {"subject", "version", "id", "schema"}
        assert json.loads(latest["schema"])["fields"][0] == {"name": "nik", "type": "string", "pii": True}
        raw = await http.get(f"{url}/subjects/{SUBJECT}/versions/1/schema")
        assert raw.status_code == 200 and json.loads(raw.text) == V1
        assert await call("GET", f"/schemas/ids/{schema_id}") == (200, {"schema": latest["schema"]})
        assert await call("GET", f"/schemas/ids/{schema_id}/versions") == (
            200,
            [{"subject": SUBJECT, "version": 1}],
        )

        errors: list[tuple[tuple[str, str, Any], int, int]] = [
            (("GET", "/subjects/tidak-ada/versions", None), 404, 40401),
            (("GET", f"/subjects/{SUBJECT}/versions/7", None), 404, 40402),
            (("GET", f"/subjects/{SUBJECT}/versions/nol", None), 422, 42202),
            (("GET", f"/subjects/{SUBJECT}/versions/0", None), 422, 42202),
            (("GET", "/schemas/ids/999", None), 404, 40403),
            (("POST", f"/subjects/{SUBJECT}", {"schema": json.dumps(V2)}), 404, 40403),
            (("POST", "/subjects/tidak-ada", {"schema": json.dumps(V1)}), 404, 40401),
            (("POST", f"/subjects/{SUBJECT}/versions", {"schema": '{"type": "rekord"}'}), 422, 42201),
            (("POST", f"/subjects/{SUBJECT}/versions", {"schema": "{}", "schemaType": "JSON"}), 422, 42201),
            (("POST", f"/subjects/{SUBJECT}/versions", {"schema": json.dumps(CHANGED_TYPE)}), 409, 409),
            (("GET", f"/config/{SUBJECT}", None), 404, 40408),
            (("PUT", "/config", {"compatibility": "SIDEWAYS"}), 422, 42203),
            (("DELETE", f"/subjects/{SUBJECT}", None), 200, 0),
            (("DELETE", f"/subjects/{SUBJECT}", None), 404, 40404),
            (("GET", f"/subjects/{SUBJECT}/versions", None), 404, 40401),
        ]
        for (method, path, request_body), want_status, want_code in errors:
            status, body = await call(method, path, request_body)
            assert status == want_status, (method, path, body)
            if want_code:
                assert body["error_code"] == want_code and isinstance(body["message"], str), body

        assert await call("GET", f"/config/{SUBJECT}", defaultToGlobal="true") == (
            200,
            {"compatibilityLevel": "BACKWARD"},
        )
        assert await call("PUT", "/config", {"compatibility": "full"}) == (200, {"compatibility": "FULL"})
        assert await call("GET", "/config") == (200, {"compatibilityLevel": "FULL"})
        assert await call("PUT", f"/config/{SUBJECT}", {"compatibility": "NONE"}) == (
            200,
            {"compatibility": "NONE"},
        )
        assert await call("GET", f"/config/{SUBJECT}") == (200, {"compatibilityLevel": "NONE"})

        # soft-deleted versions remain visible with ?deleted=true; hard delete needs a soft delete first
        assert await call("GET", "/subjects", deleted="true") == (200, [SUBJECT])
        assert await call("GET", f"/subjects/{SUBJECT}/versions", deleted="true") == (200, [1])
        assert await call("DELETE", f"/subjects/{SUBJECT}", permanent="true") == (200, [1])
        assert await call("GET", "/subjects", deleted="true") == (200, [])
        assert (await call("GET", f"/schemas/ids/{schema_id}"))[1]["error_code"] == 40403

        # version-level deletes
        await call("POST", "/subjects/v-value/versions", {"schema": json.dumps(V1)})
        await call("POST", "/subjects/v-value/versions", {"schema": json.dumps(V2)})
        status, body = await call("DELETE", "/subjects/v-value/versions/2", permanent="true")
        assert (status, body["error_code"]) == (404, 40407)
        assert await call("DELETE", "/subjects/v-value/versions/latest") == (200, 2)
        assert await call("GET", "/subjects/v-value/versions") == (200, [1])
        assert await call("DELETE", "/subjects/v-value/versions/2", permanent="true") == (200, 2)
        status, body = await call("POST", "/subjects/v-value/versions", {"schema": json.dumps(V2)})
        assert await call("GET", "/subjects/v-value/versions") == (200, [1, 2])


async def test_state_survives_restart_in_confluent_records(settings: Settings, topic: TopicSpec) -> None:
    first = SchemaStore(settings.bootstrap_servers, topic)
    await first.start()
    try:
        id1 = await first.register(SUBJECT, json.dumps(V1))
        id2 = await first.register(SUBJECT, json.dumps(V2))
        other = await first.register("lain-value", json.dumps(penduduk({"name": "x", "type": "long"})))
        await first.set_compatibility("FORWARD", SUBJECT)
        await first.set_compatibility("FULL")
        await first.delete_subject("lain-value")
    finally:
        await first.stop()

    async with serve(SchemaStore(settings.bootstrap_servers, topic)) as url:
        client = AsyncSchemaRegistryClient(url=url)
        assert await client.get_subjects() == [SUBJECT]
        assert await client.get_versions(SUBJECT) == [1, 2]
        assert await schema_id_of(client, SUBJECT, 1) == id1
        assert await schema_id_of(client, SUBJECT) == id2
        assert await client.get_compatibility(SUBJECT) == "FORWARD"
        assert await client.get_compatibility() == "FULL"
        assert await client.get_by_id(other) is not None
        # new ids continue after the highest one ever stored
        new = await client.register("baru-value", penduduk({"name": "y", "type": "double"}))
        assert new == other + 1

    consumer = AIOKafkaConsumer(
        topic.name,
        bootstrap_servers=settings.bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=10_000)
        records = [r for rs in batches.values() for r in rs]
    finally:
        await consumer.stop()
    keys = [json.loads(r.key) for r in records]
    assert {"keytype": "SCHEMA", "subject": SUBJECT, "version": 1, "magic": 1} in keys
    assert {"keytype": "CONFIG", "subject": None, "magic": 0} in keys
    assert {"keytype": "DELETE_SUBJECT", "subject": "lain-value", "magic": 0} in keys
    first_value = json.loads(records[0].value)
    assert first_value == {
        "subject": SUBJECT,
        "version": 1,
        "id": id1,
        "schema": json.dumps(V1, separators=(",", ":")),
        "deleted": False,
    }


async def test_two_stores_on_one_topic_converge(settings: Settings, topic: TopicSpec) -> None:
    async with (
        serve(SchemaStore(settings.bootstrap_servers, topic)) as url_a,
        serve(SchemaStore(settings.bootstrap_servers, topic)) as url_b,
    ):
        a, b = AsyncSchemaRegistryClient(url=url_a), AsyncSchemaRegistryClient(url=url_b)
        schema_id = await a.register(SUBJECT, V1)

        async def visible_in_b() -> bool:
            found = await AsyncSchemaRegistryClient(url=url_b).get_schema(SUBJECT)
            return found is not None and found.schema_id == schema_id

        await eventually(visible_in_b, timeout=5)
        by_id = await b.get_by_id(schema_id)
        assert by_id is not None and by_id.raw_schema == V1
        # writes through B see A's state: next version and next id, no collision
        id2 = await b.register(SUBJECT, V2)
        assert id2 == schema_id + 1
        await a.update_compatibility("NONE", SUBJECT)

        async def config_in_b() -> bool:
            try:
                return bool(await b.get_compatibility(SUBJECT) == "NONE")
            except ClientError:
                return False

        await eventually(config_in_b, timeout=5)
        assert await a.get_versions(SUBJECT) == [1, 2]
