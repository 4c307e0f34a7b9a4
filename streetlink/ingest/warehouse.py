"""The warehouse: the registries, loaded and standardised once per refresh.

Input: a registry folder (admin, housing, population; Parquet or CSV).
Output: a DuckDB file holding `admin`, `housing`, `population` (as delivered), their
standardised forms `housing_std`, `population_std`, the gazetteer tables, the linkage
feature tables, and `registry_meta` (the files' fingerprint, counts, and the registry
repairs the standardisation made, by kind: ``repairs_json``, keys = ``REPAIR_KINDS`` of
streetlink/standardise/repairs.py, values = dwellings repaired that way).

Nightly runs attach it read-only. It is rebuilt only when the registry files change
(sha256 of names and contents), into a new file that replaces the old one whole, so a
crash during a refresh leaves the previous warehouse usable.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from streetlink import sql
from streetlink.config import EngineConfig, connect

__all__ = ["WarehouseInfo", "ensure_warehouse", "read_meta"]

log = logging.getLogger(__name__)

def _schema_version() -> str:
    """Changes whenever the registry-side feature SQL changes, so a stale warehouse rebuilds.

    The model specs are part of it too: the registry's u values (registry_u) are sampled
    per comparison level. The standardisation code itself is versioned by hand
    (STANDARDISATION_VERSION): bump it when a change to the standardisers alters their output.
    """
    import hashlib
    import json

    from streetlink.link import features
    from streetlink.link.specs import SPECS

    sql = "".join((features.dwelling_features_sql(), features.person_features_sql(),
                   features.place_committees_sql(), features.tf_table_sql("x"),
                   json.dumps([s.comparisons for s in SPECS.values()], sort_keys=True)))
    return f"{STANDARDISATION_VERSION}-{hashlib.sha256(sql.encode()).hexdigest()[:10]}"


STANDARDISATION_VERSION = 4  # 3: registry repairs, community_base; 4: 街坊 and 组团 sections, 诉求内容 places


@dataclass(frozen=True)
class WarehouseInfo:
    path: str
    fingerprint: str
    refreshed: bool  # True if this call rebuilt it
    refreshed_at: str
    rows: dict[str, int]
    seconds: dict[str, float]
    repairs: dict[str, int] = field(default_factory=dict)  # registry repair kind → dwellings

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_meta(path: Path) -> dict[str, Any] | None:
    """The warehouse's registry_meta row, or None if there is no usable warehouse."""
    if not path.exists():
        return None
    try:
        con = connect(path, read_only=True)
    except Exception:  # a half-written or foreign file: treat as absent and rebuild
        return None
    try:
        rows = con.execute(
            "SELECT fingerprint, schema_version, refreshed_at, rows_json, seconds_json, repairs_json "
            "FROM registry_meta"
        ).fetchall()
    except Exception:
        return None
    finally:
        con.close()
    if not rows:
        return None
    row = rows[0]
    import json

    return {"fingerprint": row[0], "schema_version": row[1], "refreshed_at": row[2],
            "rows": json.loads(row[3]), "seconds": json.loads(row[4]), "repairs": json.loads(row[5])}


def ensure_warehouse(registry_dir: Path, path: Path, engine: EngineConfig | None = None,
                     force: bool = False) -> WarehouseInfo:
    """Reuse the warehouse if it was built from these exact registry files, else rebuild it."""
    from streetlink.ingest import registry_fingerprint

    fingerprint = registry_fingerprint(registry_dir)
    meta = read_meta(path)
    if (not force and meta and meta["fingerprint"] == fingerprint
            and meta["schema_version"] == _schema_version()):
        log.info("registry unchanged (%s…): reusing %s", fingerprint[:12], path)
        return WarehouseInfo(str(path), fingerprint, False, meta["refreshed_at"], meta["rows"], meta["seconds"],
                             meta["repairs"])
    return _rebuild(registry_dir, path, fingerprint, engine or EngineConfig())


def _rebuild(registry_dir: Path, path: Path, fingerprint: str, engine: EngineConfig) -> WarehouseInfo:
    import json

    from streetlink.ingest import load_registry
    from streetlink.link import prepare_registry_features
    from streetlink.standardise import standardise_registry

    path.parent.mkdir(parents=True, exist_ok=True)
    new_path = path.with_name(path.name + ".new")
    for p in (new_path, Path(str(new_path) + ".wal")):
        if p.exists():
            p.unlink()
    log.info("refreshing the registry warehouse from %s", registry_dir)
    seconds: dict[str, float] = {}
    con = connect(new_path, engine)
    try:
        t = time.perf_counter()
        load_registry(con, registry_dir)
        seconds["load"] = round(time.perf_counter() - t, 2)
        log.info("registry loaded in %.1f s", seconds["load"])

        t = time.perf_counter()
        standardised = standardise_registry(con)
        seconds["standardise"] = round(time.perf_counter() - t, 2)
        repairs = standardised["repairs"]
        log.info("registry standardised in %.1f s; repairs (dwellings by kind): %s", seconds["standardise"],
                 ", ".join(f"{k} {n:,}" for k, n in repairs.items() if n) or "none")

        t = time.perf_counter()
        prepare_registry_features(con)
        seconds["features"] = round(time.perf_counter() - t, 2)

        rows = {
            name: sql.run(con, "streetlink.engine", "count_rows", table=name).fetchall()[0][0]
            for name in ("admin", "housing", "population", "housing_std", "population_std")
        }
        refreshed_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        con.execute(
            "CREATE OR REPLACE TABLE registry_meta AS SELECT ? AS fingerprint, ? AS schema_version, "
            "? AS refreshed_at, ? AS rows_json, ? AS seconds_json, ? AS registry_dir, ? AS repairs_json",
            [fingerprint, _schema_version(), refreshed_at, json.dumps(rows),
             json.dumps(seconds), str(registry_dir), json.dumps(repairs)],
        )
        # Nightly runs read only the standardised forms: drop the delivered copies.
        con.execute("DROP TABLE IF EXISTS population")
        con.execute("DROP TABLE IF EXISTS housing")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(new_path, path)
    log.info("warehouse ready: %s (%s)", path, ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    return WarehouseInfo(str(path), fingerprint, True, refreshed_at, rows, seconds, repairs)
