"""The snapshot of a build: every array of its read model as .npy files that each process maps
read-only (numpy memmap), so the workers of a node share one copy in the page cache and a process
loads a model in milliseconds instead of decoding it into private memory.

    <build>/columns/  meta.json + *.npy   what the store gave (rows, offices, filters, records, service
                                          areas, name prefixes, name terms) and what searches derive from it (orders)
    <build>/text/     meta.json + *.npy   the fold and stem postings, derived from the Whoosh segment

A build writes both. The columns come from the store only: missing or damaged, the build is made
anew. The text part is derived from the Whoosh index: missing, damaged or stale (written for another
segment, format version or row count), it is read back from Whoosh and written again (index.load_model).
Damage found: an unreadable meta.json, a missing or truncated array, a shape, type or offset that
does not add up. Flipped bits inside an array are not checked (that would read every page at start).
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from locator.search.columns import Csr, PrefixIndex, Records, Strings
from locator.search.documents import CSR_KINDS
from locator.search import names
from locator.search.model import ReadModel
from locator.search.postings import Postings

VERSION = 6  # 6: the name terms' CSR (names.py); 5: memory-mapped .npy arrays (4 was one pickled columns file)
COLUMNS, TEXT = "columns", "text"
META = "meta.json"
_ROWS = ("pid", "alive", "published", "select", "completeness", "off_ptr", "off_lat", "off_lon")
_POSTINGS = ("ptr", "rows", "weights", "freqs")


class Damaged(ValueError):
    """A snapshot part that cannot be used as it is."""


def exists(build: Path) -> bool:
    return (build / COLUMNS / META).is_file()


# ---------------------------------------------------------------- writing


def write(model: ReadModel, build: Path, segment: str) -> None:
    """Write both parts of a build's snapshot; `segment`: the Whoosh segment holding the model's
    folded postings with document number = row."""
    fold = model.text["fold"]
    arrays: dict[str, np.ndarray] = {name: getattr(model, name) for name in _ROWS}
    arrays.update({name: getattr(model, name) for name in ReadModel.DERIVED})
    arrays["text_lengths"] = fold.lengths.astype(np.float32)
    for kind, csr in model.csr.items():
        derived = csr.derived()
        arrays.update({f"csr.{kind}.ptr": csr.ptr, f"csr.{kind}.vals": csr.vals,
                       f"csr.{kind}.entry_row": derived["entry_row"], f"csr.{kind}.rows_by_code": derived["_inverted"][0],
                       f"csr.{kind}.code_ptr": derived["_inverted"][1], f"csr.{kind}.totals": derived["totals"]})
    records = model.records
    if records.extra:
        raise ValueError("a snapshot is written from a build, not from a model with deltas")
    _strings(arrays, "records", records.blobs)
    _strings(arrays, "names", Strings.of(records.names))
    _strings(arrays, "ids", Strings.of(records.ids))
    area_rows = sorted(model.areas)
    arrays["areas.rows"] = np.array(area_rows, dtype=np.int64)
    _strings(arrays, "areas.wkb", Strings.of_bytes([model.areas[r].wkb for r in area_rows]))
    prefixes = model.prefixes if model.prefixes is not None else PrefixIndex.of(records.names)
    _strings(arrays, "prefix.keys", Strings.of(list(prefixes.keys)))
    arrays["prefix.rows"] = np.asarray(prefixes.rows, dtype=np.int64)
    terms, arrays["nameterms.ptr"], arrays["nameterms.rows"] = names.postings(records.names)
    _strings(arrays, "nameterms.keys", Strings.of(terms))
    meta = {"marker": int(model.marker), "segment": segment, "avgdl": float(fold.avgdl),
            "csr": {kind: list(csr.codes) for kind, csr in model.csr.items()}}
    _write_part(build, COLUMNS, meta, arrays)
    write_text(build, model.text, segment)


def write_text(build: Path, text: dict[str, Postings], segment: str) -> None:
    """Write (or replace) the text part; a process mapping the old files keeps reading them."""
    arrays = {f"{field}.{name}": np.asarray(getattr(text[field], name)) for field in ("fold", "stem") for name in _POSTINGS}
    meta = {"segment": segment, "terms": {field: list(text[field].terms) for field in ("fold", "stem")}}
    _write_part(build, TEXT, meta, arrays)


def _strings(arrays: dict[str, np.ndarray], name: str, strings: Strings) -> None:
    arrays[f"{name}.data"], arrays[f"{name}.offsets"] = np.asarray(strings.data), np.asarray(strings.offsets)


def _write_part(build: Path, part: str, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Write a part beside, then move it into place (an old part is moved away first and removed)."""
    stamp = f"{os.getpid()}.{time.monotonic_ns()}"
    tmp = build / f".{part}.{stamp}.tmp"
    tmp.mkdir()
    try:
        meta = dict(meta, version=VERSION, n=int(len(arrays.get("pid", ()))),
                    arrays={name: [a.dtype.str, list(a.shape)] for name, a in arrays.items()})
        for name, a in arrays.items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(a), allow_pickle=False)
        (tmp / META).write_text(json.dumps(meta))
        target = build / part
        old = build / f".{part}.{stamp}.old"
        if target.exists():
            os.rename(target, old)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- reading


def _read_part(build: Path, part: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """A part's meta and its arrays, memory-mapped; Damaged when any is missing or does not fit."""
    folder = build / part
    try:
        meta = json.loads((folder / META).read_text())
    except (OSError, ValueError) as exc:
        raise Damaged(f"{part}/{META}: {exc}") from None
    if not isinstance(meta, dict) or meta.get("version") != VERSION or not isinstance(meta.get("arrays"), dict):
        raise Damaged(f"{part}: another format version")
    arrays = {}
    for name, (dtype, shape) in meta["arrays"].items():
        path = folder / f"{name}.npy"
        try:
            if int(np.prod(shape)) == 0:  # (an empty file cannot be mapped)
                a = np.load(path, allow_pickle=False)
            else:
                # a plain ndarray over the map: np.memmap's subclass hooks cost microseconds on every
                # slice and fancy index a search makes (the view keeps the map alive through .base)
                a = np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)
        except (OSError, ValueError, EOFError) as exc:
            raise Damaged(f"{part}/{name}.npy: {exc}") from None
        if a.dtype.str != dtype or list(a.shape) != shape:
            raise Damaged(f"{part}/{name}.npy: {a.dtype.str} {list(a.shape)}, not {dtype} {shape}")
        arrays[name] = a
    return meta, arrays


def _check_ptr(name: str, ptr: np.ndarray, entries: int, count: int | None = None) -> None:
    if len(ptr) == 0 or ptr[0] != 0 or ptr[-1] != entries or (count is not None and len(ptr) != count + 1):
        raise Damaged(f"{name}: offsets do not add up")


def _mapped_strings(arrays: dict[str, np.ndarray], name: str, count: int | None = None) -> Strings:
    data, offsets = arrays[f"{name}.data"], arrays[f"{name}.offsets"]
    _check_ptr(name, offsets, len(data), count)
    return Strings(data, offsets)


def read_columns(build: Path) -> dict[str, Any]:
    """The columns part as ReadModel fields (but `text`), plus `derived` (cached properties),
    `text_lengths`, `avgdl` and `segment`. Raises Damaged."""
    meta, a = _read_part(build, COLUMNS)
    n = meta["n"]
    if set(meta.get("csr", ())) != set(CSR_KINDS):  # written with other filters (one added or removed)
        raise Damaged(f"{COLUMNS}: written for other filters")
    try:
        if any(len(a[name]) != n for name in (*_ROWS[:5], "text_lengths", "name_rank")):
            raise Damaged(f"{COLUMNS}: row arrays of different lengths")
        _check_ptr("off_ptr", a["off_ptr"], len(a["off_lat"]), n)
        csr = {}
        for kind, codes in meta["csr"].items():
            c = f"csr.{kind}."
            _check_ptr(c + "ptr", a[c + "ptr"], len(a[c + "vals"]), n)
            _check_ptr(c + "code_ptr", a[c + "code_ptr"], len(a[c + "vals"]), len(codes))
            csr[kind] = Csr(codes, a[c + "ptr"], a[c + "vals"], {
                "entry_row": a[c + "entry_row"], "_inverted": (a[c + "rows_by_code"], a[c + "code_ptr"]),
                "totals": a[c + "totals"]})
        records = Records(_mapped_strings(a, "records", n), _mapped_strings(a, "names", n), _mapped_strings(a, "ids", n))
        wkb = _mapped_strings(a, "areas.wkb", len(a["areas.rows"]))
        prefixes = PrefixIndex(_mapped_strings(a, "prefix.keys", len(a["prefix.rows"])), a["prefix.rows"])
        name_keys = _mapped_strings(a, "nameterms.keys")
        _check_ptr("nameterms.ptr", a["nameterms.ptr"], len(a["nameterms.rows"]), len(name_keys))
        if len(a["nameterms.rows"]) and int(a["nameterms.rows"].max()) >= n:
            raise Damaged(f"{COLUMNS}: name term rows beyond its {n}")
        name_terms = names.NameTerms.of_snapshot(records, name_keys, a["nameterms.ptr"], a["nameterms.rows"])
    except KeyError as exc:
        raise Damaged(f"{COLUMNS}: no array {exc}") from None
    from shapely import from_wkb

    blob, at = bytes(wkb.data), wkb.offsets.tolist()
    geoms = from_wkb([blob[a:b] for a, b in zip(at, at[1:])]) if len(wkb) else []
    fields = {name: a[name] for name in _ROWS}
    fields.update(marker=int(meta["marker"]), records=records, csr=csr, prefixes=prefixes,
                  areas=dict(zip(a["areas.rows"].tolist(), geoms)))
    return {"fields": fields, "derived": {name: a[name] for name in ReadModel.DERIVED}, "name_terms": name_terms,
            "text_lengths": a["text_lengths"], "avgdl": float(meta["avgdl"]), "segment": meta["segment"]}


def read_text(build: Path, columns: dict[str, Any]) -> dict[str, Postings]:
    """The text part for the build's `columns` (read_columns). Raises Damaged, also when stale."""
    meta, a = _read_part(build, TEXT)
    if meta.get("segment") != columns["segment"]:
        raise Damaged(f"{TEXT}: derived from another Whoosh segment")
    n = len(columns["fields"]["pid"])
    text = {}
    try:
        for field in ("fold", "stem"):
            terms = meta["terms"][field]
            ptr, rows = a[f"{field}.ptr"], a[f"{field}.rows"]
            _check_ptr(f"{field}.ptr", ptr, len(rows), len(terms))
            if len(rows) and int(rows.max()) >= n:
                raise Damaged(f"{TEXT}: rows beyond the columns' {n}")
            text[field] = Postings(terms, ptr, rows, a[f"{field}.weights"], columns["avgdl"],
                                   freqs=a[f"{field}.freqs"], lengths=columns["text_lengths"])
    except KeyError as exc:
        raise Damaged(f"{TEXT}: no {exc}") from None
    return text


def model_of(columns: dict[str, Any], text: dict[str, Postings]) -> ReadModel:
    model = ReadModel(**columns["fields"], text=text)
    model.__dict__.update(columns["derived"])
    model.__dict__["_name_terms"] = columns["name_terms"]  # (names.name_terms' slot)
    return model
