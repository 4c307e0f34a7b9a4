"""Write the world to disk exactly as the contracts describe (the only module touching files)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

CHECKPOINT_HEADERS = ["记录编号", "登记时间", "道口名称", "姓名", "证件类型", "证件号码", "联系电话",
                      "车牌号码", "出发地", "来沪事由", "在沪居住地址"]
HOTLINE_HEADERS = ["工单编号", "受理时间", "来电人", "来电号码", "事发地址", "诉求内容", "所属街镇", "工单类别"]

S = pa.string()
HOUSING_SCHEMA = pa.schema([(c, S) for c in ("house_id", "street_code", "committee_code", "community_name",
                                              "road", "lane", "number", "room", "village", "group_no",
                                              "std_address")])
POPULATION_SCHEMA = pa.schema([("person_id", S), ("name", S), ("id_type", S), ("id_number", S), ("gender", S),
                               ("birth_date", pa.date32()), ("phone", S), ("house_id", S),
                               ("residence_type", S)])
TRUTH_SCHEMA = pa.schema([("record_id", S), ("source", S), ("category", S), ("placeable", pa.bool_()),
                          ("true_person_id", S), ("person_identifiable", pa.bool_()), ("true_house_id", S),
                          ("true_street_code", S), ("true_committee_code", S), ("messiness", pa.list_(S)),
                          # extra (evaluate ignores it): the address and street field alone decide
                          ("placeable_by_address", pa.bool_())])


def write_registry(out: Path, admin_rows, housing_rows, population_rows) -> None:
    reg = out / "registry"
    reg.mkdir(parents=True, exist_ok=True)
    with (reg / "admin.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["street_code", "street_name", "committee_code", "committee_name"])
        w.writerows(admin_rows)
    pq.write_table(pa.Table.from_pylist(housing_rows, HOUSING_SCHEMA), reg / "housing.parquet")
    pq.write_table(pa.Table.from_pylist(population_rows, POPULATION_SCHEMA), reg / "population.parquet")


def write_checkpoint(path: Path, rows: list[dict], bom: bool, dup_rate: float, rng: random.Random) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CHECKPOINT_HEADERS)
    for r in rows:
        w.writerow([r[h] for h in CHECKPOINT_HEADERS])
        if rng.random() < dup_rate:                     # the same registration exported twice
            w.writerow([r[h] for h in CHECKPOINT_HEADERS])
    data = buf.getvalue()
    path.write_bytes(("\ufeff" + data).encode("utf-8") if bom else data.encode("gb18030"))


def write_hotline(path: Path, rows: list[dict], date: dt.date, habits: dict, rng: random.Random) -> None:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    ws = wb.add_worksheet(rng.choice(["工单列表", "Sheet1", "导出数据"]))
    dfmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    r0 = 0
    ws.write_string(r0, 0, "浦东新区12345市民服务热线工单导出")
    r0 += 1
    if rng.random() < 0.8:
        ws.write_string(r0, 0, f"导出时间：{date + dt.timedelta(days=1)} 06:{rng.randint(0, 59):02d}:00")
        ws.write_string(r0, 2, f"共{len(rows)}条")
        r0 += 1
    if rng.random() < 0.3:
        r0 += 1                                          # an empty row before the header
    for c, h in enumerate(HOTLINE_HEADERS):
        ws.write_string(r0, c, h)
    for k, r in enumerate(rows, start=r0 + 1):
        sid = r["工单编号"]
        if rng.random() < habits["id_as_number"]:
            ws.write_number(k, 0, int(sid))
        else:
            ws.write_string(k, 0, sid)
        t: dt.datetime = r["受理时间"]
        style = rng.random()
        if style < 0.6:
            ws.write_datetime(k, 1, t, dfmt)
        elif style < 0.75:
            ws.write_string(k, 1, t.strftime("%Y-%m-%d %H:%M:%S"))
        elif style < 0.9:
            ws.write_string(k, 1, t.strftime("%Y/%m/%d %H:%M"))
        else:
            ws.write_string(k, 1, f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}")
        for c, h in enumerate(HOTLINE_HEADERS[2:], start=2):
            v = r[h]
            if v in ("", None):
                if rng.random() < 0.5:
                    ws.write_blank(k, c, None)
                continue
            if h == "来电号码" and v.isdigit() and not v.startswith("0") and rng.random() < habits["phone_as_number"]:
                ws.write_number(k, c, int(v))
            else:
                ws.write_string(k, c, v)
    wb.close()


def write_healthcloud(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def write_truth(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, TRUTH_SCHEMA), path)


def write_detail(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)
