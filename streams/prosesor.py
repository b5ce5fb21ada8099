"""Processing of one record change of any record type, free of Faust so it can be tested without a broker.

Per event: decode (Confluent Avro) → check → drop stale/duplicate versions against the record's history →
append the new version to the history (dates clamped to never go back) → emit the net change of the
aggregates, the version row for ClickHouse and the event's outcome. What cannot be processed goes to the
dead-letter topic with its reason and original bytes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from satudata.citra import Pseudonim, padat
from satudata.jenis import JenisRekaman, periksa_envelope
from satudata.penduduk import WITA, kunci
from satudata.serde import AvroSerde, DecodeError
from satudata.wilayah import ReferensiWilayah
from streams.agregat import AgregatPartisi, KunciHarian, NilaiTabel, entri_baru, perubahan_entri
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
    """What to do for one event: an optional table write, its ledger entry, version row and changed groups."""

    tulis_tabel: NilaiTabel | None
    catatan: CatatanEvent
    grup: dict[KunciHarian, int] = field(default_factory=dict)
    versi: list[Any] | None = None
    dead_letter: DeadLetter | None = None


def _kelurahan_dari_kunci(key: bytes | None) -> str:
    text = (key or b"").decode("utf-8", "replace")
    kel = text.split(":", 1)[0]
    return kel if len(kel) == 10 and kel.isdigit() else ""


def baris_versi(kel: str, record_id: int, entri: list[Any]) -> list[Any]:
    """The ClickHouse version row of one history entry: [kel, id, offset, berlaku, lapor, version, citra]."""
    return [kel, record_id, entri[2], entri[0], entri[1], entri[3], entri[4]]


class ProsesorRekaman:
    """Owns the per-partition aggregates of one record type in one worker and turns events into decisions."""

    def __init__(
        self,
        jenis: JenisRekaman,
        serde: AvroSerde,
        ref: ReferensiWilayah,
        topik: str,
        pseudonim: Pseudonim,
    ) -> None:
        self.jenis = jenis
        self.serde = serde
        self.ref = ref
        self.topik = topik
        self.pseudonim = pseudonim
        self.partisi: dict[int, AgregatPartisi] = {}

    def siap(self, partisi: int) -> bool:
        return partisi in self.partisi

    def bangun(
        self, partisi: int, rekaman: Iterable[tuple[bytes, NilaiTabel]], generasi: int
    ) -> AgregatPartisi:
        """(Re)build a partition's aggregates from its table records as generation ``generasi``."""
        agr = AgregatPartisi.bangun(self.jenis.nama, rekaman, generasi)
        self.partisi[partisi] = agr
        return agr

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
        lama: NilaiTabel | None,
    ) -> Keputusan:
        """Decide one event given the record's table value. The partition must be :meth:`siap`."""
        catatan = CatatanEvent(
            offset,
            ts_sumber_ms=ts_ms,
            ts_proses_ms=int(time.time() * 1000),
            kode_kelurahan=_kelurahan_dari_kunci(key),
        )
        try:
            env = await self.serde.decode(value, self.jenis.schema_name)
        except DecodeError as exc:
            return self._dead(catatan, DeadLetter(exc.kode, exc.pesan))
        source = env["source"]
        kel = source["kode_kelurahan"]
        catatan.kode_kelurahan = kel
        alasan = periksa_envelope(self.jenis, env, self.ref)
        if alasan:
            teks = "; ".join(f"{a.kolom}: {a.pesan}" if a.kolom else a.pesan for a in alasan)
            return self._dead(catatan, DeadLetter(alasan[0].kode, teks))
        k = kunci(kel, source["record_id"])
        if key is None or key.decode("utf-8", "replace") != k:
            return self._dead(catatan, DeadLetter("kunci-tidak-cocok", f"kunci pesan {key!r} harus {k!r}"))
        agr = self.partisi[partisi]
        versi = int(source["version"])
        agr.offset_terakhir = max(agr.offset_terakhir, offset)
        if lama is not None and int(lama[0]) >= versi:
            return Keputusan(None, catatan)  # stale or duplicate: applied as a no-op
        catatan.berubah = True
        riwayat: list[list[Any]] = list(lama[3]) if lama is not None else []
        citra = None if env["op"] == "delete" else padat(self.jenis.nama, env["after"], self.pseudonim)
        if riwayat and riwayat[-1][4] == citra:  # nothing the hub keeps changed (a name edit, say)
            return Keputusan([versi, offset, partisi, riwayat], catatan)
        ts: dt.datetime = source["ts_ms"]
        lapor = ts.astimezone(WITA).date()
        berlaku: dt.date = env.get("berlaku") or lapor
        baru = entri_baru(riwayat, berlaku.toordinal(), lapor.toordinal(), offset, versi, citra)
        perubahan: Counter[KunciHarian] = perubahan_entri(
            self.jenis.nama, kel, riwayat[-1] if riwayat else None, baru
        )
        riwayat.append(baru)
        grup = agr.terapkan(perubahan, offset)
        return Keputusan(
            [versi, offset, partisi, riwayat], catatan, grup, baris_versi(kel, source["record_id"], baru)
        )

    @staticmethod
    def _dead(catatan: CatatanEvent, dl: DeadLetter) -> Keputusan:
        catatan.hasil, catatan.alasan = DEAD_LETTERED, dl.kode
        return Keputusan(None, catatan, dead_letter=dl)

    def kumpulkan(self, partisi: int, keputusan: Iterable[Keputusan]) -> PesanStatistik:
        """One sink message for a batch of one partition: ledger entries, version rows, each changed group's
        last value."""
        agr = self.partisi[partisi]
        # The version offset is the partition's running maximum, which starts at the snapshot's: after a
        # crash the snapshot may already reflect offsets that the replayed batches reach again only later,
        # and a batch's values must never rank below the snapshot they were computed from.
        pesan = PesanStatistik("b", self.jenis.nama, self.topik, partisi, agr.offset_terakhir, agr.generasi)
        for kep in keputusan:
            pesan.ledger.append(kep.catatan)
            pesan.grup.update(kep.grup)
            if kep.versi is not None:
                pesan.versi.append(kep.versi)
        return pesan


__all__ = ["APPLIED", "DeadLetter", "Keputusan", "ProsesorRekaman", "baris_versi"]
