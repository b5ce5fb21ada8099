"""Processing of one resident change, free of Faust so it can be tested without a broker.

Per event: decode (Confluent Avro) → check → drop stale/duplicate versions against the record's last state →
retract the old contribution, add the new one → emit absolute group values and the event's outcome. What
cannot be processed goes to the dead-letter topic with its reason and original bytes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from satudata.penduduk import SCHEMA_NAME, kunci, periksa_envelope
from satudata.serde import AvroSerde, DecodeError
from satudata.statistik import CitraStatistik, Grup
from satudata.wilayah import ReferensiWilayah
from streams.agregat import AgregatPartisi, NilaiTabel, citra_dari_nilai
from streams.pesan import APPLIED, DEAD_LETTERED, CatatanEvent, PesanStatistik


@dataclass(frozen=True, slots=True)
class DeadLetter:
    kode: str
    pesan: str

    def headers(self, topik: str, partisi: int, offset: int) -> list[tuple[str, bytes]]:
        return [
            ("satudata.alasan.kode", self.kode.encode()),
            ("satudata.alasan", self.pesan.encode()),
            ("satudata.sumber.topik", topik.encode()),
            ("satudata.sumber.partisi", str(partisi).encode()),
            ("satudata.sumber.offset", str(offset).encode()),
        ]


@dataclass(slots=True)
class Keputusan:
    """What to do for one event: an optional table write, its ledger entry and changed groups, maybe a DLQ."""

    tulis_tabel: NilaiTabel | None
    catatan: CatatanEvent
    grup: dict[Grup, int] = field(default_factory=dict)
    dead_letter: DeadLetter | None = None


def _kelurahan_dari_kunci(key: bytes | None) -> str:
    text = (key or b"").decode("utf-8", "replace")
    kel = text.split(":", 1)[0]
    return kel if len(kel) == 10 and kel.isdigit() else ""


class ProsesorPenduduk:
    """Owns the per-partition aggregates of one worker and turns events into decisions."""

    def __init__(
        self, serde: AvroSerde, ref: ReferensiWilayah, topik: str, acuan: Callable[[], dt.date]
    ) -> None:
        self.serde = serde
        self.ref = ref
        self.topik = topik
        self.acuan = acuan
        self.partisi: dict[int, AgregatPartisi] = {}

    def siap(self, partisi: int) -> bool:
        agr = self.partisi.get(partisi)
        return agr is not None and agr.acuan == self.acuan()

    def bangun(self, partisi: int, nilai_nilai: Iterable[NilaiTabel], generasi: int) -> PesanStatistik:
        """(Re)build a partition's aggregates from its table values as generation ``generasi`` (higher than
        any before it for this partition); returns the snapshot for the sink."""
        agr = AgregatPartisi.bangun((n for n in nilai_nilai if n[2] == partisi), self.acuan(), generasi)
        self.partisi[partisi] = agr
        return PesanStatistik(
            "s", self.topik, partisi, agr.offset_terakhir, agr.acuan, generasi, dict(agr.jumlah)
        )

    def lupakan(self, partisi: Iterable[int]) -> None:
        for p in partisi:
            self.partisi.pop(p, None)

    async def proses(
        self,
        key: bytes | None,
        value: bytes | None,
        partisi: int,
        offset: int,
        ts_ms: int,
        lama_untuk: Callable[[bytes], NilaiTabel | None],
    ) -> Keputusan:
        """Decide one event. The partition must be :meth:`siap`; the caller writes ``tulis_tabel``."""
        catatan = CatatanEvent(
            offset,
            ts_sumber_ms=ts_ms,
            ts_proses_ms=int(time.time() * 1000),
            kode_kelurahan=_kelurahan_dari_kunci(key),
        )
        try:
            env = await self.serde.decode(value, SCHEMA_NAME)
        except DecodeError as exc:
            return self._dead(catatan, DeadLetter(exc.kode, exc.pesan))
        source = env["source"]
        catatan.kode_kelurahan = source["kode_kelurahan"]
        alasan = periksa_envelope(env, self.ref)
        if alasan:
            teks = "; ".join(f"{a.kolom}: {a.pesan}" if a.kolom else a.pesan for a in alasan)
            return self._dead(catatan, DeadLetter(alasan[0].kode, teks))
        k = kunci(source["kode_kelurahan"], source["record_id"])
        if key is None or key.decode("utf-8", "replace") != k:
            return self._dead(catatan, DeadLetter("kunci-tidak-cocok", f"kunci pesan {key!r} harus {k!r}"))
        agr = self.partisi[partisi]
        lama = lama_untuk(key)
        versi = int(source["version"])
        agr.offset_terakhir = max(agr.offset_terakhir, offset)
        if lama is not None and int(lama[0]) >= versi:
            return Keputusan(None, catatan)  # stale or duplicate: applied as a no-op
        baru = None if env["op"] == "delete" else CitraStatistik.dari_citra(env["after"])
        catatan.berubah = True
        grup = agr.terapkan(citra_dari_nilai(lama), baru, offset)
        return Keputusan([versi, offset, partisi, baru.ke_list() if baru else None], catatan, grup)

    @staticmethod
    def _dead(catatan: CatatanEvent, dl: DeadLetter) -> Keputusan:
        catatan.hasil, catatan.alasan = DEAD_LETTERED, dl.kode
        return Keputusan(None, catatan, dead_letter=dl)

    def kumpulkan(self, partisi: int, keputusan: Iterable[Keputusan]) -> PesanStatistik:
        """One sink message for a batch of one partition: every ledger entry, each changed group's last value."""
        agr = self.partisi[partisi]
        # The version offset is the partition's running maximum, which starts at the snapshot's: after a
        # crash the snapshot may already reflect offsets that the replayed batches reach again only later,
        # and a batch's values must never rank below the snapshot they were computed from.
        pesan = PesanStatistik("b", self.topik, partisi, agr.offset_terakhir, agr.acuan, agr.generasi)
        for kep in keputusan:
            pesan.ledger.append(kep.catatan)
            pesan.grup.update(kep.grup)
        return pesan


__all__ = ["APPLIED", "DeadLetter", "Keputusan", "ProsesorPenduduk"]
