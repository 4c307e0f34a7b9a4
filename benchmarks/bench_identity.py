"""Benchmark identity standardisation: the registry path at full scale, the records path at
a night's volume.

Builds, with DuckDB in a temporary folder, a synthetic population of ``--rows`` persons
(default 5.7 M: surnames drawn with realistic weights, 1–2 given-name characters, ~1%
minority names with ·, a few compound surnames, 0.1% with a Traditional character left;
resident ID numbers with valid check characters and ~1% broken ones, a few 15-digit and
passport numbers; mobiles), times
``standardise_record_identity`` on ``--records`` messy records drawn from it (spaces,
Traditional, lower-case x, full-width digits, +86, honorifics) in the cold process, then
``standardise_population``. Prints wall and CPU time, rows/s and peak RSS.

    python benchmarks/bench_identity.py --rows 5700000 --records 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

from peak_rss import PeakRss  # benchmarks/peak_rss.py (run as a script: a sibling)

from streetlink.config import EngineConfig, connect
from streetlink.standardise.identity import standardise_population, standardise_record_identity

# Approximate shares (per mille) of the most common surnames in China (2020 census order).
COMMON_SURNAMES = {
    "王": 71,
    "李": 70,
    "张": 67,
    "刘": 54,
    "陈": 46,
    "杨": 31,
    "黄": 25,
    "赵": 24,
    "吴": 21,
    "周": 20,
    "徐": 17,
    "孙": 15,
    "马": 15,
    "朱": 14,
    "胡": 13,
    "郭": 12,
    "何": 12,
    "林": 11,
    "罗": 11,
    "高": 11,
    "郑": 10,
    "梁": 10,
    "谢": 9,
    "宋": 8,
    "唐": 8,
    "许": 8,
    "韩": 8,
    "冯": 7,
    "邓": 7,
    "曹": 7,
    "彭": 7,
    "曾": 7,
    "肖": 6,
    "田": 6,
    "董": 6,
    "袁": 6,
    "潘": 6,
    "于": 6,
    "蒋": 5,
    "蔡": 5,
    "余": 5,
    "杜": 5,
    "叶": 5,
    "程": 5,
    "苏": 5,
    "魏": 5,
    "吕": 5,
    "丁": 4,
    "任": 4,
    "沈": 4,
    "姚": 4,
    "卢": 4,
    "姜": 4,
    "崔": 4,
    "钟": 4,
    "谭": 4,
    "陆": 4,
    "汪": 3,
    "范": 3,
    "金": 3,
    "石": 3,
    "廖": 3,
    "贾": 3,
    "夏": 3,
    "韦": 3,
    "付": 3,
    "方": 3,
    "白": 3,
    "邹": 3,
    "孟": 3,
    "熊": 3,
    "秦": 3,
    "邱": 3,
    "江": 3,
    "尹": 3,
    "薛": 3,
    "闫": 3,
    "段": 2,
    "雷": 2,
    "侯": 2,
    "龙": 2,
    "史": 2,
    "陶": 2,
    "黎": 2,
    "贺": 2,
    "顾": 2,
    "毛": 2,
    "郝": 2,
    "龚": 2,
    "邵": 2,
    "万": 2,
    "钱": 2,
    "严": 2,
    "覃": 2,
    "武": 2,
    "戴": 2,
    "莫": 2,
    "孔": 2,
    "向": 2,
    "汤": 2,
    "单": 1,
    "仇": 1,
    "翟": 1,
    "区": 1,
    "朴": 1,
    "解": 1,
    "查": 1,
    "盖": 1,
    "乐": 1,
    "缪": 1,
    "欧阳": 1,
    "司马": 1,
    "诸葛": 1,
    "上官": 1,
    "尉迟": 1,
}
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂华玲兰红萍建国志辉飞鹏波斌宇浩凯健俊"
    "帆帅旭宁晨阳欣怡梓涵子轩雨婷佳琪思远嘉文博睿昊然诗雅晓东海燕玉梅春林云峰鑫磊淑珍凤"
    "琳颖慧莉倩雪蕾颜瑶蓉薇岩晶琴丹荣亮成彬坤德明家乐安康泽天一诺浩然毅立新永胜利福德兴"
    "振华鸿伦翔龙达义良海涛政宏光卫民亚楠璐菲媛梦洁婉露晗曦晴丹妮晓雯佩珊若彤悦馨语嫣然"
)
MINORITY_NAMES = (
    "阿依古丽·买买提",
    "艾力·吐尔逊",
    "古丽·木沙",
    "努尔·艾买提",
    "热依拉·阿不都",
    "巴特尔·朝鲁",
)
REGIONS = (
    "310115",
    "310101",
    "310104",
    "310110",
    "320102",
    "320582",
    "330102",
    "340102",
    "342401",
    "360102",
    "370102",
    "410102",
    "420102",
    "430102",
    "500101",
    "510104",
    "522401",
    "610102",
)
SEGMENTS = (
    "130",
    "133",
    "135",
    "136",
    "138",
    "139",
    "150",
    "151",
    "158",
    "159",
    "166",
    "177",
    "180",
    "181",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)

CHECK_SQL = """substr('10X98765432', 1 + (
    7*CAST(b[1] AS INT) + 9*CAST(b[2] AS INT) + 10*CAST(b[3] AS INT) + 5*CAST(b[4] AS INT)
  + 8*CAST(b[5] AS INT) + 4*CAST(b[6] AS INT) + 2*CAST(b[7] AS INT) + 1*CAST(b[8] AS INT)
  + 6*CAST(b[9] AS INT) + 3*CAST(b[10] AS INT) + 7*CAST(b[11] AS INT) + 9*CAST(b[12] AS INT)
  + 10*CAST(b[13] AS INT) + 5*CAST(b[14] AS INT) + 8*CAST(b[15] AS INT) + 4*CAST(b[16] AS INT)
  + 2*CAST(b[17] AS INT)) % 11, 1)"""


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v + "'" for v in values) + "]"


def build_population(con, rows: int) -> None:
    surnames = [s for s, w in COMMON_SURNAMES.items() for _ in range(w)]
    con.execute("SELECT setseed(0.42)")
    con.execute(f"""
        CREATE OR REPLACE TABLE population AS
        WITH base AS (
            SELECT i,
                   {_sql_list(surnames)} AS sl, {_sql_list(list(GIVEN_CHARS))} AS gl,
                   {_sql_list(list(MINORITY_NAMES))} AS ml, {_sql_list(list(REGIONS))} AS rl,
                   {_sql_list(list(SEGMENTS))} AS pl,
                   random() AS r_kind, random() AS r_id, random() AS r_phone
            FROM range({rows}) t(i)
        ), named AS (
            SELECT i, r_id, r_phone, pl,
                   CASE WHEN r_kind < 0.01 THEN ml[1 + CAST(floor(random() * len(ml)) AS INT)]
                        WHEN r_kind < 0.011
                        THEN '劉' || gl[1 + CAST(floor(random() * len(gl)) AS INT)]
                        ELSE sl[1 + CAST(floor(random() * len(sl)) AS INT)]
                             || gl[1 + CAST(floor(random() * len(gl)) AS INT)]
                             || CASE WHEN random() < 0.7
                                     THEN gl[1 + CAST(floor(random() * len(gl)) AS INT)]
                                     ELSE '' END
                   END AS name,
                   rl[1 + CAST(floor(random() * len(rl)) AS INT)]
                     || strftime(DATE '1930-01-01' + CAST(floor(random() * 34000) AS INT), '%Y%m%d')
                     || lpad(CAST(CAST(floor(random() * 1000) AS INT) AS VARCHAR), 3, '0') AS b
            FROM base
        )
        SELECT 'P' || lpad(CAST(i AS VARCHAR), 10, '0') AS person_id,
               name,
               CASE WHEN r_id < 0.002 THEN '护照' ELSE '居民身份证' END AS id_type,
               CASE WHEN r_id < 0.002 THEN 'E' || lpad(CAST(i AS VARCHAR), 8, '0')
                    WHEN r_id < 0.007 THEN NULL
                    WHEN r_id < 0.010 THEN substr(b, 1, 6) || substr(b, 9, 9)
                    WHEN r_id < 0.020 THEN b || CASE WHEN {CHECK_SQL} = '0' THEN '1' ELSE '0' END
                    ELSE b || {CHECK_SQL} END AS id_number,
               CASE WHEN CAST(b[17] AS INT) % 2 = 1 THEN '男' ELSE '女' END AS gender,
               CAST(strptime(substr(b, 7, 8), '%Y%m%d') AS DATE) AS birth_date,
               CASE WHEN r_phone < 0.10 THEN NULL
                    WHEN r_phone < 0.105
                    THEN '021' || CAST(50000000 + CAST(floor(random() * 9999999) AS INT) AS VARCHAR)
                    ELSE pl[1 + CAST(floor(random() * len(pl)) AS INT)]
                         || lpad(CAST(CAST(floor(random() * 1e8) AS INT) AS VARCHAR), 8, '0')
               END AS phone,
               'H' || lpad(CAST(CAST(floor(random() * 2300000) AS INT) AS VARCHAR), 10, '0')
                   AS house_id,
               CASE WHEN r_id < 0.002 THEN '境外' WHEN random() < 0.6 THEN '户籍' ELSE '来沪' END
                   AS residence_type
        FROM named
    """)


def build_records(con, n: int) -> None:
    """Messy records drawn from the population, as the three sources type them."""
    con.execute(f"""
        CREATE OR REPLACE TABLE staged_records AS
        SELECT 'checkpoint:R' || row_number() OVER () AS record_id,
               CASE WHEN m < 0.05 THEN NULL
                    WHEN m < 0.10 THEN name[1] || '女士'
                    WHEN m < 0.15 THEN array_to_string(string_split(name, ''), ' ')
                    WHEN m < 0.20
                    THEN replace(replace(replace(name, '刘', '劉'), '华', '華'), '杰', '傑')
                    ELSE name END AS name,
               id_type,
               CASE WHEN m < 0.25 THEN lower(id_number)
                    WHEN m < 0.30 THEN translate(id_number, '0123456789', '０１２３４５６７８９')
                    WHEN m < 0.33 THEN substr(id_number, 1, 6) || ' ' || substr(id_number, 7)
                    ELSE id_number END AS id_number,
               CASE WHEN m < 0.40 THEN '+86 ' || phone
                    WHEN m < 0.45
                    THEN concat_ws('-', substr(phone, 1, 3), substr(phone, 4, 4), substr(phone, 8))
                    WHEN m < 0.47 THEN phone || '.0'
                    ELSE phone END AS phone
        FROM (SELECT *, random() AS m FROM population USING SAMPLE {n} ROWS)
    """)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_700_000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="6GB")
    parser.add_argument(
        "--in-memory",
        action="store_true",
        help="DuckDB in memory (no disk writes) instead of a file",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_identity_") as tmp:
        engine = EngineConfig(memory_limit=args.memory_limit, threads=args.threads)
        con = connect(":memory:" if args.in_memory else Path(tmp) / "bench.duckdb", engine)
        t0 = time.perf_counter()
        build_population(con, args.rows)
        if args.records:
            build_records(con, args.records)
        print(f"built population of {args.rows:,} rows in {time.perf_counter() - t0:.1f} s")

        # Records first, in a cold process, as a nightly run meets them.
        if args.records:
            with PeakRss() as rss:
                t0, c0 = time.perf_counter(), time.process_time()
                n = standardise_record_identity(con, today=dt.date(2026, 11, 20))
                elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
            print(
                f"standardise_record_identity: {n:,} records in {elapsed:.2f} s "
                f"(CPU {cpu:.2f} s) = {n / elapsed:,.0f} rows/s; "
                f"peak RSS during it {rss.peak / 2**30:.2f} GiB"
            )

        with PeakRss() as rss:
            t0, c0 = time.perf_counter(), time.process_time()
            n = standardise_population(con, today=dt.date(2026, 11, 20))
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"standardise_population: {n:,} rows in {elapsed:.1f} s (CPU {cpu:.1f} s) "
            f"= {n / elapsed:,.0f} rows/s; peak RSS during it {rss.peak / 2**30:.2f} GiB "
            f"(threads={args.threads}, memory_limit={args.memory_limit}, "
            f"{'in memory' if args.in_memory else 'database file'})"
        )
        for column in ("name_kind", "id_status", "phone_kind"):
            stats = con.execute(
                f"SELECT {column}, count(*) FROM population_std GROUP BY ALL ORDER BY 2 DESC"
            ).fetchall()
            print(f"  {column}:", dict(stats))
        con.close()
    print(
        "process max RSS (getrusage): "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB"
    )


if __name__ == "__main__":
    main()
