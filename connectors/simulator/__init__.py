"""Synthetic Kota Bima: a seeded population and its change stream, and sinks that deliver it to the hub.

Typical use::

    pop = buat_populasi(seed=42, skala=0.1, tanggal_acuan=dt.date(2026, 6, 30))
    gen = GeneratorPerubahan(pop, seed=42, mulai=dt.datetime(2026, 7, 1, 8, tzinfo=WITA))
    await kirim_ke_api(itertools.chain(snapshot(pop), gen.aliran(10_000)), "http://127.0.0.1:8000")
    truth = keadaan_akhir(pop)
"""

from connectors.simulator.penerima import GagalKirim, HasilKirim, Publisher, kirim_ke_api, kirim_ke_kafka
from connectors.simulator.perubahan import GeneratorPerubahan
from connectors.simulator.populasi import KOLOM_CITRA, Kunci, Populasi, buat_populasi
from connectors.simulator.rekaman import WITA, Perubahan, keadaan_akhir, snapshot

__all__ = [
    "KOLOM_CITRA",
    "WITA",
    "GagalKirim",
    "GeneratorPerubahan",
    "HasilKirim",
    "Kunci",
    "Perubahan",
    "Populasi",
    "Publisher",
    "buat_populasi",
    "keadaan_akhir",
    "kirim_ke_api",
    "kirim_ke_kafka",
    "snapshot",
]
