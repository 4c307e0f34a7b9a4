"""Benchmark: standardise a 2.3 M-row housing registry, build and load the gazetteer, and
parse 100 K record addresses — on a synthetic registry made here with DuckDB.

    python benchmarks/bench_housing.py [--rows 2300000] [--records 100000] [--threads 2]

Prints rows/s for each step and the peak resident memory (psutil, sampled). Nothing here is
a pass/fail test.
"""

from __future__ import annotations

import argparse
import random
import time

import psutil
import pyarrow as pa
from peak_rss import PeakRss  # benchmarks/peak_rss.py (run as a script: a sibling)

from streetlink.config import EngineConfig, connect
from streetlink.standardise.addresses import standardise_record_addresses
from streetlink.standardise.gazetteer import Gazetteer, build_gazetteer
from streetlink.standardise.housing import standardise_housing
from streetlink.standardise.places import streets

# Syllables for invented road/community/village names: realistic shape, no real registry.
HEADS = list("齐上浦张杨锦芳东南北西高金川沪航秀康周惠祝临德崂峨莱福博灵昌云紫兰新龙海沈华凌罗成")
MIDS = list("河南建江高绣华明山沿桥浦城安平乐丰林阳兴泰宁春海源盛康顺和庆德晖霞园中")
ROAD_SUFFIX = ["路"] * 12 + ["公路", "大道", "街", "东路", "西路", "南路", "北路"]
COMMUNITY_SUFFIX = ["小区", "花园", "新村", "苑", "家园", "公寓", "一村", "二村", "三村"]


def _names(rng: random.Random, n: int, suffixes: list[str], length: int = 2) -> list[str]:
    seen: dict[str, None] = {}
    while len(seen) < n:
        stem = rng.choice(HEADS) + "".join(rng.choice(MIDS) for _ in range(length - 1))
        seen[stem + rng.choice(suffixes)] = None
    return list(seen)


def make_registry(con, rows: int, seed: int = 7) -> None:
    """admin (1,520 committees) and housing (``rows`` dwellings, ~12% rural) in DuckDB."""
    rng = random.Random(seed)
    codes = sorted(streets())
    committees = []
    for i in range(1520):
        street = codes[i % len(codes)]
        rural = i % 5 == 0
        committees.append((street, streets()[street].name, f"{street}{200 + i // 36 if rural else i // 36 + 1:03d}",
                           rural))
    roads = _names(rng, 1800, ROAD_SUFFIX)
    communities = _names(rng, 4000, COMMUNITY_SUFFIX, 3)
    villages = [v + "村" for v in _names(rng, 400, [""])]
    con.execute("CREATE OR REPLACE TABLE admin (street_code VARCHAR, street_name VARCHAR, "
                "committee_code VARCHAR, committee_name VARCHAR)")
    con.executemany("INSERT INTO admin VALUES (?, ?, ?, ?)", [
        (s, n, c, (villages[i % len(villages)] + "村委会") if r else f"第{i}居委会")
        for i, (s, n, c, r) in enumerate(committees)])
    con.execute("CREATE OR REPLACE TABLE _roads AS SELECT * FROM (SELECT unnest(?) AS road, "
                "generate_subscripts(?, 1) AS i)", [roads, roads])
    con.execute("CREATE OR REPLACE TABLE _communities AS SELECT * FROM (SELECT unnest(?) AS community, "
                "generate_subscripts(?, 1) AS i)", [communities, communities])
    con.execute("CREATE OR REPLACE TABLE _villages AS SELECT * FROM (SELECT unnest(?) AS village, "
                "generate_subscripts(?, 1) AS i)", [villages, villages])
    con.execute("""
        CREATE OR REPLACE TABLE _committees AS
        SELECT committee_code, street_code, row_number() OVER (ORDER BY committee_code) AS i,
               committee_name LIKE '%村委会' AS rural
        FROM admin
    """)
    # One dwelling per row: a building (road, lane, number) holds ~40 rooms; rural houses
    # are village/group/number. A few registry values arrive messy (full-width digits,
    # leading zeros, 弄 suffix) to exercise the normalisation.
    con.execute(f"""
        CREATE OR REPLACE TABLE housing AS
        WITH base AS (
            SELECT i, hash(i) AS h, i // 40 AS building, (i % 100) < 12 AS rural
            FROM range({rows}) t(i)
        ),
        placed AS (
            SELECT b.*, c.committee_code, c.street_code,
                   r.road, cm.community, v.village,
                   (hash(b.building * 7) % 3000 + 1)::VARCHAR AS lane,
                   (b.building % 60 + 1)::VARCHAR AS number,
                   ((b.i % 40) // 4 + 1)::VARCHAR || lpad(((b.i % 4) + 1)::VARCHAR, 2, '0') AS room,
                   ((b.i // 7) % 12 + 1)::VARCHAR AS group_no,
                   (b.i % 97 + 1)::VARCHAR AS house_no
            FROM base AS b
            JOIN _committees AS c ON c.i = (hash(b.building * 31) % 1520) + 1
            JOIN _roads AS r ON r.i = (hash(b.building * 13) % {len(roads)}) + 1
            JOIN _communities AS cm ON cm.i = (hash(b.building // 8) % {len(communities)}) + 1
            JOIN _villages AS v ON v.i = (hash(b.building * 17) % {len(villages)}) + 1
        )
        SELECT
            'H' || lpad(i::VARCHAR, 10, '0') AS house_id,
            street_code, committee_code,
            CASE WHEN rural OR h % 10 < 3 THEN NULL ELSE community END AS community_name,
            CASE WHEN rural THEN NULL ELSE road END AS road,
            CASE WHEN rural OR h % 10 = 9 THEN NULL
                 WHEN h % 100 = 1 THEN lane || '弄'
                 WHEN h % 100 = 2 THEN translate(lane, '0123456789', '０１２３４５６７８９')
                 ELSE lane END AS lane,
            CASE WHEN rural THEN house_no WHEN h % 100 = 3 THEN '0' || number ELSE number END AS number,
            CASE WHEN rural THEN NULL ELSE room END AS room,
            CASE WHEN rural THEN village END AS village,
            CASE WHEN rural THEN group_no END AS group_no,
            '浦东新区' || CASE WHEN rural THEN village || group_no || '组' || house_no || '号'
                 ELSE road || coalesce(lane || '弄', '') || number || '号' || room || '室' END AS std_address
        FROM placed
    """)
    for t in ("_roads", "_communities", "_villages", "_committees"):
        con.execute(f"DROP TABLE {t}")


def make_records(con, n: int, seed: int = 11) -> None:
    """``n`` staged records whose addresses are registry dwellings written the messy ways."""
    rng = random.Random(seed)
    sample = con.execute(
        f"SELECT road, lane, number, room, village, group_no, community, street_code "
        f"FROM housing_std USING SAMPLE {n} ROWS").fetchall()
    names = {c: s.name for c, s in streets().items()}
    cn = "零一二三四五六七八九"
    rows = []
    for i, (road, lane, number, room, village, group_no, community, street) in enumerate(sample):
        prefix = rng.choice(["", "上海市", "浦东新区", "上海市浦东新区", "上海浦东", "浦东"])
        if rng.random() < 0.3:
            prefix += rng.choice([names[street], streets()[street].short_name or names[street]])
        if village:
            address = f"{prefix}{village}{group_no}{rng.choice(['组', '队'])}{number}号"
        else:
            form = rng.random()
            room_text = "".join(cn[int(d)] for d in room) if rng.random() < 0.05 else room
            if community and form < 0.25:
                address = f"{prefix}{community}{number}{rng.choice(['号', '号楼', '#'])}{room_text}"
            elif lane and form < 0.5:
                address = f"{prefix}{road}{lane}弄{number}-{room}"
            elif lane:
                address = f"{prefix}{road}{lane}弄{number}号{room_text}室"
            else:
                address = f"{prefix}{road}{number}号{room}室"
        roll = rng.random()
        if roll < 0.03:
            address = rng.choice(["江苏省南通市如东县文化路314号", "徐汇区漕溪北路88号", "浦东新区", "世纪公园附近"])
        elif roll < 0.08:
            address += rng.choice(["附近", "门口", " ", "对面"])
        source = ("checkpoint", "hotline", "healthcloud")[i % 3]
        context = {"hotline": f"来电反映{address}有人员返沪，请核实。", "healthcloud": "上海市 上海市 浦东新区"}.get(source)
        hint = names[street] if source != "checkpoint" and rng.random() < 0.6 else None
        rows.append((f"{source}:{i}", source, address, context, hint))
    columns = ("record_id", "source", "address", "address_context", "street_hint")
    table = pa.table({c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(columns)})
    con.register("_staged", table)
    con.execute("CREATE OR REPLACE TABLE staged_records AS SELECT * FROM _staged")
    con.unregister("_staged")


def _step(label: str, rows: int, fn) -> float:
    with PeakRss() as rss:
        t0 = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - t0
    rate = rows / seconds if seconds else float("inf")
    print(f"{label:<34} {seconds:8.2f} s  {rate:12,.0f} rows/s  peak RSS {rss.mib:8.0f} MiB")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_300_000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="6GB")
    args = parser.parse_args()
    con = connect(engine=EngineConfig(memory_limit=args.memory_limit, threads=args.threads))
    print(f"DuckDB threads={args.threads} memory_limit={args.memory_limit}; rows={args.rows:,}")
    _step("make synthetic registry", args.rows, lambda: make_registry(con, args.rows))
    _step("standardise_housing", args.rows, lambda: standardise_housing(con))
    _step("build_gazetteer", args.rows, lambda: build_gazetteer(con))
    gaz = _step("Gazetteer.load", args.rows, lambda: Gazetteer.load(con))
    print(f"  gazetteer: {len(gaz.names):,} surface forms, {len(gaz.roads):,} roads, "
          f"{len(gaz.communities):,} communities, {len(gaz.villages):,} villages")
    make_records(con, args.records)
    distinct = con.execute("SELECT count(*) FROM (SELECT DISTINCT address, address_context, source "
                           "FROM staged_records)").fetchall()[0][0]
    print(f"  records: {args.records:,} ({distinct:,} distinct address/context/source)")
    _step("standardise_record_addresses", args.records,
          lambda: standardise_record_addresses(con, gazetteer=gaz))
    summary = con.execute("""
        SELECT addr_scope, addr_precision, count(*) FROM records_address GROUP BY ALL ORDER BY 3 DESC
    """).fetchall()
    matched = con.execute("""
        SELECT count(*) FILTER (WHERE h.address_key IS NOT NULL), count(*)
        FROM records_address r LEFT JOIN (SELECT DISTINCT address_key FROM housing_std) h USING (address_key)
    """).fetchall()[0]
    print("  scope/precision: " + ", ".join(f"{s}/{p}={n:,}" for s, p, n in summary[:8]))
    print(f"  records whose address_key is a registry dwelling: {matched[0]:,} / {matched[1]:,}")
    print(f"process peak RSS (ru_maxrss): {psutil.Process().memory_info().rss / 2**20:,.0f} MiB now")


if __name__ == "__main__":
    main()
