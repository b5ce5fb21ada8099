"""Synthetic Kota Bima: a seeded population with every SIMATIK record type, its change stream, the truth,
and sinks that deliver it to the hub.

Typical use::

    pop = buat_populasi(seed=42, skala=0.1, tanggal_acuan=dt.date(2026, 6, 30))
    gen = GeneratorPerubahan(pop, seed=42, mulai=dt.datetime(2026, 7, 1, 8, tzinfo=WITA))
    await kirim_ke_api(itertools.chain(snapshot(pop), gen.aliran(10_000)), "http://127.0.0.1:8000")
    truth = keadaan_akhir_semua(pop)  # {jenis: {(kode_kelurahan, id): image | None}}
    report = laporan_bulanan(pop, 2026, 7)
"""

from connectors.simulator.dasar import JENIS, WITA, Kunci, Perubahan, jenis_rekaman
from connectors.simulator.penerima import GagalKirim, HasilKirim, Publisher, kirim_ke_api, kirim_ke_kafka
from connectors.simulator.perubahan import GeneratorPerubahan
from connectors.simulator.populasi import KOLOM_CITRA, Populasi, buat_populasi
from connectors.simulator.rekaman import keadaan_akhir, keadaan_akhir_semua, snapshot
from connectors.simulator.riwayat import aktif_pada, laporan_bulanan, mutasi

__all__ = [
    "JENIS",
    "KOLOM_CITRA",
    "WITA",
    "GagalKirim",
    "GeneratorPerubahan",
    "HasilKirim",
    "Kunci",
    "Perubahan",
    "Populasi",
    "Publisher",
    "aktif_pada",
    "buat_populasi",
    "jenis_rekaman",
    "keadaan_akhir",
    "keadaan_akhir_semua",
    "kirim_ke_api",
    "kirim_ke_kafka",
    "laporan_bulanan",
    "mutasi",
    "snapshot",
]
