"""Data-quality figures per kelurahan, for any date (``GET /v1/kualitas-data``).

Per kelurahan, as of the end of ``per`` (WITA):

- freshness: the last source event the hub received from the kelurahan (``event_ledger.ts_sumber``, every
  record type, applied or dead-lettered) and whether it falls on one of the ``hari_aktif`` days up to ``per``;
- BELUM MENGISI per resident field, from the maintained aggregates (``agregat_harian``, cheap): the residents
  living on ``per`` whose field is empty, out of all living residents;
- rejections at the API edge (``ingest_log``) and dead letters of the stream (``event_ledger``) per reason
  code, and the part of both that is a code outside its OpenSID list;
- duplicate NIK: living residents whose NIK pseudonym (keyed HMAC, never the NIK) is also held by a living
  resident of another kelurahan of the city, or by another resident of the same kelurahan;
- impossible combinations (:data:`ATURAN`, conditions on the ``penduduk_versi`` columns).

The queries name their columns, so the data-quality board (:mod:`grafana.kualitas`) reads the same SQL by name.

The last two read the residents' states on ``per`` (:mod:`satudata.warehouse.keadaan`), the slow exact path.
Event and rejection counts are cumulative: everything the hub received before the day after ``per`` (WITA).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from satudata.kontribusi import BELUM_MENGISI_KODE, KOLOM_PENDUDUK, PERNAH_KAWIN
from satudata.perubahan import WITA
from satudata.statistik import KATEGORI
from satudata.umur import sql_umur
from satudata.warehouse.client import Gudang
from satudata.warehouse.keadaan import sql_hidup
from satudata.wilayah import ReferensiWilayah, Tingkat, Wilayah

KODE_TIDAK_VALID = "kode-di-luar-daftar"  # reason code of an out-of-list code, at the edge and in the stream
CARA_KB_TIDAK_MENGGUNAKAN = 100  # cara_kb "Tidak Menggunakan": not a KB method
HARI_AKTIF = 7  # default window: a kelurahan is active if it sent an event in the last 7 days up to per

# Resident fields whose BELUM MENGISI share is reported: key → (kategori in agregat_harian, title).
BIDANG: dict[str, tuple[str, str]] = {
    **{slug: (slug, KATEGORI[slug].judul) for slug in KOLOM_PENDUDUK},
    "tanggal-lahir": ("umur", "Tanggal Lahir (umur)"),
}


@dataclass(frozen=True, slots=True)
class Aturan:
    """An impossible combination of a resident's fields. ``kondisi`` is a ClickHouse condition on the
    ``penduduk_versi`` columns, where ``umur`` is the age in whole years on ``per`` (NULL without a birth
    date, so no age rule fires for a resident whose birth date is unknown)."""

    kode: str
    uraian: str
    kondisi: str


_KAWIN = ", ".join(str(k) for k in PERNAH_KAWIN)

ATURAN: tuple[Aturan, ...] = (
    Aturan("kepala-keluarga-di-bawah-10", "Kepala keluarga berumur kurang dari 10 tahun",
           "kk_level = 1 AND umur < 10"),
    Aturan("kawin-di-bawah-10", "Berstatus kawin, cerai hidup atau cerai mati pada umur kurang dari 10 tahun",
           f"status_kawin IN ({_KAWIN}) AND umur < 10"),
    Aturan("hamil-laki-laki", "Berstatus hamil tetapi berjenis kelamin laki-laki", "hamil = 1 AND sex = 1"),
    Aturan("hamil-umur-tidak-wajar", "Berstatus hamil pada umur kurang dari 10 atau lebih dari 60 tahun",
           "hamil = 1 AND (umur < 10 OR umur > 60)"),
    Aturan("kb-di-bawah-10", "Memakai cara KB (selain 'Tidak Menggunakan') pada umur kurang dari 10 tahun",
           f"cara_kb_id IS NOT NULL AND cara_kb_id != {CARA_KB_TIDAK_MENGGUNAKAN} AND umur < 10"),
    Aturan("ktp-el-di-bawah-17-belum-kawin",
           "Memiliki KTP-EL pada umur kurang dari 17 tahun dan belum pernah kawin",
           f"ktp_el = 2 AND umur < 17 AND ifNull(status_kawin, 1) NOT IN ({_KAWIN})"),
    Aturan("pendidikan-tinggi-di-bawah-18",
           "Berpendidikan Diploma IV/Strata I atau lebih tinggi pada umur kurang dari 18 tahun",
           "pendidikan_kk_id >= 8 AND umur < 18"),
)  # fmt: skip


# -- SQL builders --


def sql_ledger() -> str:
    """(kode_kelurahan, hasil_event, alasan, jumlah_event, terakhir: max ts_sumber) of the source events of
    ``{topik}`` from kelurahan under ``{awalan}`` received before ``{batas:Int64}`` (epoch ms)."""
    return (
        "SELECT kode_kelurahan, toString(hasil) AS hasil_event, alasan, count() AS jumlah_event, "
        "max(ts_sumber) AS terakhir "
        "FROM {db}.event_ledger FINAL WHERE has({topik:Array(String)}, topik) "
        "AND startsWith(kode_kelurahan, {awalan:String}) AND toUnixTimestamp64Milli(ts_sumber) < {batas:Int64} "
        "GROUP BY kode_kelurahan, hasil, alasan"
    )


def sql_ditolak() -> str:
    """(kode_kelurahan, alasan, ditolak) of the records rejected at the API edge before ``{batas}``."""
    return (
        "SELECT kode_kelurahan, alasan, toInt64(sum(jumlah)) AS ditolak FROM {db}.ingest_log FINAL "
        "WHERE alasan != '' AND startsWith(kode_kelurahan, {awalan:String}) "
        "AND toUnixTimestamp64Milli(waktu) < {batas:Int64} GROUP BY kode_kelurahan, alasan"
    )


def sql_belum_mengisi(kolom_wilayah: str) -> str:
    """(kode_kelurahan, kategori, belum_mengisi, penduduk_hidup) of living residents on ``{per}``, for the
    categories ``{kategori:Array(String)}`` and the wilayah ``{wilayah}`` (a value of ``kolom_wilayah``)."""
    return (
        "SELECT kode_kelurahan, kategori, "
        f"toInt64(sumIf(jumlah, kode = '{BELUM_MENGISI_KODE}')) AS belum_mengisi, toInt64(sum(jumlah)) AS "
        "penduduk_hidup FROM {db}.agregat_harian FINAL WHERE has({kategori:Array(String)}, kategori) "
        f"AND {kolom_wilayah} = {{wilayah:String}} AND tanggal <= {{per:Date32}} "
        "GROUP BY kode_kelurahan, kategori"
    )


def sql_nik_ganda() -> str:
    """(kode_kelurahan, nik_ganda: residents whose NIK pseudonym a living resident of another kelurahan also
    holds, nik_ganda_dalam: residents who share it with another resident of their kelurahan), for kelurahan
    under ``{awalan}``.
    Compared over the whole kota ``{wilayah}`` on ``{per}``; an empty pseudonym (NIK "0", temporary) is none."""
    hidup = sql_hidup("penduduk", "kode_kota")
    per_kelurahan = (
        f"SELECT kode_kelurahan, nik_hmac, count() AS n FROM ({hidup}) "
        "WHERE status_dasar = 1 AND nik_hmac != '' GROUP BY kode_kelurahan, nik_hmac"
    )
    return (
        "SELECT kode_kelurahan, toInt64(sumIf(n, n_kel > 1)) AS nik_ganda, toInt64(sumIf(n, n > 1)) AS "
        "nik_ganda_dalam FROM ("
        f"SELECT kode_kelurahan, n, count() OVER (PARTITION BY nik_hmac) AS n_kel FROM ({per_kelurahan})) "
        "WHERE startsWith(kode_kelurahan, {awalan:String}) GROUP BY kode_kelurahan"
    )


def sql_kombinasi(kolom_wilayah: str, aturan: Sequence[Aturan] = ATURAN) -> str:
    """(kode_kelurahan, one count per rule in ``aturan`` order, named by the rule's code) of living residents
    on ``{per}`` in the wilayah ``{wilayah}`` (a value of ``kolom_wilayah``)."""
    hitung = ", ".join(f"toInt64(countIf(ifNull(({a.kondisi}), 0))) AS `{a.kode}`" for a in aturan)
    umur = sql_umur("tanggallahir", "{per:Date32}")
    return (
        f"SELECT kode_kelurahan, {hitung} FROM ("
        f"SELECT *, {umur} AS umur FROM ({sql_hidup('penduduk', kolom_wilayah)}) WHERE status_dasar = 1) "
        "GROUP BY kode_kelurahan"
    )


def batas_ms(per: dt.date) -> int:
    """Epoch milliseconds of the start of the day after ``per`` in WITA (the end of ``per``)."""
    akhir = dt.datetime.combine(per + dt.timedelta(days=1), dt.time(), WITA)
    return int(akhir.timestamp() * 1000)


def aktif(terakhir: dt.datetime | None, per: dt.date, hari_aktif: int) -> bool:
    """Whether ``terakhir`` falls on one of the ``hari_aktif`` days (WITA) ending with ``per``."""
    if terakhir is None:
        return False
    tanggal = terakhir.astimezone(WITA).date()
    return per - dt.timedelta(days=hari_aktif - 1) <= tanggal <= per


def sql_aktif(terakhir: str, per: str, hari_aktif: int = HARI_AKTIF) -> str:
    """:func:`aktif` as a ClickHouse condition: ``terakhir`` (a UTC DateTime64, NULL = none) falls on one of
    the ``hari_aktif`` days (WITA) ending with the date ``per`` (both SQL expressions)."""
    hari = f"dateDiff('day', toDate({terakhir}, 'Asia/Makassar'), {per})"
    return f"ifNull({hari} BETWEEN 0 AND {hari_aktif - 1}, 0)"


# -- assembly --


@dataclass(slots=True)
class Hitungan:
    """The raw figures of one kelurahan, as read from the queries."""

    terakhir: dt.datetime | None = None
    jumlah_event: int = 0
    dead_letter: Counter[str] = field(default_factory=Counter)
    ditolak: Counter[str] = field(default_factory=Counter)
    belum: dict[str, tuple[int, int]] = field(default_factory=dict)  # bidang → (BELUM MENGISI, total)
    nik_ganda: int = 0
    nik_ganda_dalam: int = 0
    mustahil: dict[str, int] = field(default_factory=dict)


def _utc(waktu: dt.datetime) -> dt.datetime:
    return waktu.replace(tzinfo=dt.UTC) if waktu.tzinfo is None else waktu


def kumpulkan(
    ledger: Iterable[Sequence[Any]],
    ditolak: Iterable[Sequence[Any]],
    belum: Iterable[Sequence[Any]],
    nik: Iterable[Sequence[Any]],
    kombinasi: Iterable[Sequence[Any]],
    aturan: Sequence[Aturan] = ATURAN,
) -> dict[str, Hitungan]:
    """Fold the rows of the five queries (in the shapes their builders document) into figures per kelurahan."""
    out: dict[str, Hitungan] = {}

    def h(kel: Any) -> Hitungan:
        return out.setdefault(str(kel), Hitungan())

    bidang_dari = {kategori: kunci for kunci, (kategori, _) in BIDANG.items()}
    for kel, hasil, alasan, n, terakhir in ledger:
        x = h(kel)
        x.jumlah_event += int(n)
        if hasil == "dead_lettered":
            x.dead_letter[str(alasan)] += int(n)
        waktu = _utc(terakhir)
        x.terakhir = waktu if x.terakhir is None else max(x.terakhir, waktu)
    for kel, alasan, n in ditolak:
        h(kel).ditolak[str(alasan)] += int(n)
    for kel, kategori, kosong, total in belum:
        h(kel).belum[bidang_dari[str(kategori)]] = (int(kosong), int(total))
    for kel, lain, dalam in nik:
        h(kel).nik_ganda, h(kel).nik_ganda_dalam = int(lain), int(dalam)
    for kel, *jumlah in kombinasi:
        h(kel).mustahil = {a.kode: int(n) for a, n in zip(aturan, jumlah, strict=True)}
    return out


class BelumMengisi(BaseModel):
    jumlah: int = Field(description="Penduduk hidup yang kolom ini BELUM MENGISI.")
    rasio: float = Field(description="jumlah / penduduk hidup (0–1, 4 desimal; 0 bila tidak ada penduduk).")


class BarisKualitas(BaseModel):
    kode: str = Field(description="Kode Kemendagri tanpa titik.")
    kode_bertitik: str
    nama: str
    jenis: Literal["kelurahan", "ringkasan"] = Field(
        description="kelurahan, atau ringkasan (jumlah seluruh kelurahan kecamatan/kota yang diminta)."
    )
    jumlah_kelurahan: int
    kelurahan_aktif: int
    rasio_aktif: float = Field(description="kelurahan_aktif / jumlah_kelurahan (4 desimal).")
    aktif: bool | None = Field(description="Ada event dalam hari_aktif hari s.d. per (null pada ringkasan).")
    peristiwa_terakhir: dt.datetime | None = Field(description="Event terakhir yang diterima hub (WITA).")
    jumlah_event: int = Field(description="Event sumber yang diterima hub s.d. per (semua jenis rekaman).")
    penduduk_hidup: int
    belum_mengisi: dict[str, BelumMengisi]
    ditolak: dict[str, int] = Field(description="Record ditolak di API per kode alasan.")
    dead_letter: dict[str, int] = Field(description="Event yang masuk dead-letter per kode alasan.")
    kode_tidak_valid: int = Field(
        description=f"Bagian ditolak + dead_letter dengan alasan {KODE_TIDAK_VALID}."
    )
    nik_ganda: int = Field(
        description="Penduduk hidup yang NIK-nya juga dipakai penduduk hidup kelurahan lain."
    )
    nik_ganda_dalam: int = Field(
        description="Penduduk hidup yang NIK-nya dipakai penduduk lain kelurahan ini."
    )
    kombinasi_mustahil: dict[str, int] = Field(description="Penduduk hidup per aturan kombinasi mustahil.")


def _rasio(n: int, total: int) -> float:
    return round(n / total, 4) if total else 0.0


def _baris(
    w: Wilayah,
    jenis: Literal["kelurahan", "ringkasan"],
    daftar: list[Hitungan],
    n_aktif: int,
    aktif_: bool | None,
    aturan: Sequence[Aturan],
) -> BarisKualitas:
    belum = {k: [sum(h.belum.get(k, (0, 0))[i] for h in daftar) for i in (0, 1)] for k in BIDANG}
    ditolak: Counter[str] = sum((h.ditolak for h in daftar), Counter())
    dead: Counter[str] = sum((h.dead_letter for h in daftar), Counter())
    waktu = [h.terakhir for h in daftar if h.terakhir is not None]
    return BarisKualitas(
        kode=w.kode,
        kode_bertitik=w.kode_bertitik,
        nama=w.nama,
        jenis=jenis,
        jumlah_kelurahan=len(daftar),
        kelurahan_aktif=n_aktif,
        rasio_aktif=_rasio(n_aktif, len(daftar)),
        aktif=aktif_,
        peristiwa_terakhir=max(waktu).astimezone(WITA) if waktu else None,
        jumlah_event=sum(h.jumlah_event for h in daftar),
        penduduk_hidup=belum["jenis-kelamin"][1],
        belum_mengisi={k: BelumMengisi(jumlah=n, rasio=_rasio(n, total)) for k, (n, total) in belum.items()},
        ditolak=dict(sorted(ditolak.items())),
        dead_letter=dict(sorted(dead.items())),
        kode_tidak_valid=ditolak[KODE_TIDAK_VALID] + dead[KODE_TIDAK_VALID],
        nik_ganda=sum(h.nik_ganda for h in daftar),
        nik_ganda_dalam=sum(h.nik_ganda_dalam for h in daftar),
        kombinasi_mustahil={a.kode: sum(h.mustahil.get(a.kode, 0) for h in daftar) for a in aturan},
    )


def susun(
    kelurahan: Sequence[Wilayah],
    hitungan: Mapping[str, Hitungan],
    per: dt.date,
    hari_aktif: int,
    ringkasan: Wilayah | None = None,
    aturan: Sequence[Aturan] = ATURAN,
) -> list[BarisKualitas]:
    """One row per kelurahan (figures it has none of are zero), then the ``ringkasan`` row if given."""
    baris: list[BarisKualitas] = []
    semua: list[Hitungan] = []
    for w in kelurahan:
        h = hitungan.get(w.kode, Hitungan())
        semua.append(h)
        ya = aktif(h.terakhir, per, hari_aktif)
        baris.append(_baris(w, "kelurahan", [h], int(ya), ya, aturan))
    if ringkasan is not None:
        baris.append(
            _baris(ringkasan, "ringkasan", semua, sum(int(b.aktif or False) for b in baris), None, aturan)
        )
    return baris


def kelurahan_di(ref: ReferensiWilayah, w: Wilayah) -> list[Wilayah]:
    """The kelurahan of a wilayah: all of the kota, those of a kecamatan, or the kelurahan itself."""
    if w.tingkat is Tingkat.KELURAHAN:
        return [w]
    if w.tingkat is Tingkat.KECAMATAN:
        return ref.anak(w.kode)
    return ref.semua(Tingkat.KELURAHAN)


async def hitung(
    gudang: Gudang,
    ref: ReferensiWilayah,
    w: Wilayah,
    per: dt.date,
    hari_aktif: int,
    topik: Sequence[str],
) -> list[BarisKualitas]:
    """The rows of ``GET /v1/kualitas-data`` for wilayah ``w`` on ``per`` (``topik``: the source topics)."""
    kolom = w.kolom
    waktu = {"awalan": w.kode, "batas": batas_ms(per)}
    wilayah = {"wilayah": w.kode, "per": per}
    hitungan = kumpulkan(
        await gudang.query(sql_ledger(), {**waktu, "topik": list(topik)}),
        await gudang.query(sql_ditolak(), waktu),
        await gudang.query(
            sql_belum_mengisi(kolom), {**wilayah, "kategori": sorted({k for k, _ in BIDANG.values()})}
        ),
        await gudang.query(sql_nik_ganda(), {"wilayah": ref.kota.kode, "per": per, "awalan": w.kode}),
        await gudang.query(sql_kombinasi(kolom), wilayah),
    )
    ringkasan = None if w.tingkat is Tingkat.KELURAHAN else w
    return susun(kelurahan_di(ref, w), hitungan, per, hari_aktif, ringkasan)
