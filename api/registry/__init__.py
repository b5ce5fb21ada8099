"""The hub's own Confluent-compatible Schema Registry: Avro schemas stored in a compacted Kafka topic.

Wiring (the API app)::

    store = SchemaStore(settings.bootstrap_servers, hub_topics(settings).schemas)
    await store.start()                      # in the lifespan; ``await store.stop()`` on shutdown
    app.state.schema_store = store
    app.include_router(create_registry_router(), prefix="/registry")
"""

from api.registry.compatibility import (
    CompatibilityLevel,
    CompatibilityResult,
    InvalidSchemaError,
    ParsedSchema,
    check_compatibility,
    parse_level,
    parse_schema,
)
from api.registry.routes import create_registry_router, get_schema_store
from api.registry.state import RegistryError, RegistryState, SchemaVersion
from api.registry.store import SchemaStore

__all__ = [
    "CompatibilityLevel",
    "CompatibilityResult",
    "InvalidSchemaError",
    "ParsedSchema",
    "RegistryError",
    "RegistryState",
    "SchemaStore",
    "SchemaVersion",
    "check_compatibility",
    "create_registry_router",
    "get_schema_store",
    "parse_level",
    "parse_schema",
]
