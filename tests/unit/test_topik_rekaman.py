"""Every record type has its source topic and its publisher (no broker needed: declarations only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.kafka_publisher import PendudukPublisher, Publishers, RekamanPublisher
from satudata.jenis import JENIS
from satudata.kafka.topics import FOREVER, hub_topics
from satudata.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, topic_prefix="uji", topic_partitions=3)


def test_every_record_type_has_a_source_topic(settings: Settings) -> None:
    topics = hub_topics(settings)
    assert {nama: t.name for nama, t in topics.sumber.items()} == {
        "penduduk": "uji.penduduk.v1",
        "keluarga": "uji.keluarga.v1",
        "peristiwa": "uji.peristiwa.v1",
        "peristiwa-keluarga": "uji.peristiwa-keluarga.v1",
        "bantuan-program": "uji.bantuan-program.v1",
        "bantuan-peserta": "uji.bantuan-peserta.v1",
        "surat": "uji.surat.v1",
    }
    assert all(t.partitions == 3 and t.config == FOREVER for t in topics.sumber.values())
    assert topics.penduduk is topics.sumber["penduduk"]
    names = [t.name for t in topics.all()]
    assert names == [
        *(t.name for t in topics.sumber.values()),
        "uji.dlq.v1",
        "uji.statistik-penduduk.v1",
        "uji._schemas",
    ]
    assert len(set(names)) == len(names)


def test_each_publisher_writes_its_own_topic_and_subject(settings: Settings) -> None:
    for nama, jenis in JENIS.items():
        pub = RekamanPublisher(settings, nama)
        assert (pub.topic, pub.subject, pub.jenis) == (
            f"uji.{jenis.topik}",
            f"uji.{jenis.topik}-value",
            jenis,
        )
    penduduk = PendudukPublisher(settings)
    assert (penduduk.topic, penduduk.jenis.schema_name) == (
        "uji.penduduk.v1",
        "satudata.simatik.PerubahanPenduduk",
    )
    with pytest.raises(ValueError, match="jenis rekaman tidak dikenal"):
        RekamanPublisher(settings, "desa")


def test_publishers_share_one_serde(settings: Settings) -> None:
    semua = Publishers(settings)
    assert isinstance(semua.penduduk, PendudukPublisher) and semua["penduduk"] is semua.penduduk
    assert {semua[nama].serde for nama in JENIS} == {semua.serde}
    assert semua["surat"].topic == "uji.surat.v1"
