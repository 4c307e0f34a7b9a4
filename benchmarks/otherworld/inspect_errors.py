"""List streetlink's wrong and missed placements on an otherworld, grouped by kind.

    .venv/bin/python benchmarks/otherworld/inspect_errors.py --world /work/data/otherworld/m1 \
        --links /work/data/otherworld/out1/2026-12-01/links.parquet [--examples 3] [--json out.json]

A record's kind is the first messiness code of KIND_ORDER it carries (the most specific
explanation first); records with none of them fall under their address form.
"wrong" = dispatched to a committee other than the true one (or with no true committee);
"missed" = placeable but not dispatched.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict

import duckdb

KIND_ORDER = [
    "outside_pudong", "village_name_is_also_an_estate", "village_name_repeated",
    "registry_dirty_road", "registry_dirty_community", "registry_dirty_lane", "registry_dirty_number",
    "front_number_is_a_lane", "addr_estate_no_phase", "estate_split_committees",
    "addr_road_suffix_dropped", "addr_road_typo", "addr_precise_only_in_content", "matter_is_a_community",
    "road_front", "addr_estate_only", "addr_estate_with_road", "addr_village_group", "addr_lane_only",
    "addr_no_room", "addr_landmark", "hint_wrong", "addr_vague_town_only", "addr_vague_district",
    "addr_vague_unknown", "addr_blank", "person_moved", "placed_by_registered_home", "phased_estate",
]

QUERY = """
select t.record_id, t.source, t.category, t.placeable, t.messiness, t.true_committee_code tc,
       ta.committee_name tcn, t.true_person_id, th.std_address true_std,
       l.decision, l.reason, l.committee_code lc, la.committee_name lcn, lh.std_address linked_std,
       l.person_id, x.address, x.hint, x.clerk_route, x.identify_rule
from truth t
join links l using (record_id)
left join detail x using (record_id)
left join admin ta on ta.committee_code = t.true_committee_code
left join admin la on la.committee_code = l.committee_code
left join housing th on th.house_id = t.true_house_id
left join housing lh on lh.house_id = l.house_id
"""


def kind_of(codes: list[str], wrong: bool, row: dict) -> str:
    if wrong and row["placeable"] is False and row["clerk_route"] in ("person_home", "ambiguous", "nothing") \
            and "placed_by_registered_home" in codes:
        return "not placeable: stale registered home"
    s = set(codes)
    for k in KIND_ORDER:
        if k in s:
            return k
    return "other"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--world", required=True)
    ap.add_argument("--links", required=True, nargs="+")
    ap.add_argument("--examples", type=int, default=3)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    con = duckdb.connect()
    w = args.world
    con.execute(f"create view truth as select * from read_parquet('{w}/truth/*.parquet')")
    con.execute(f"create view detail as select * from read_parquet('{w}/truth_detail/*.parquet')")
    con.execute(f"create view housing as select * from read_parquet('{w}/registry/housing.parquet')")
    con.execute(f"create view admin as select * from read_csv('{w}/registry/admin.csv', all_varchar=true)")
    files = ", ".join(f"'{f}'" for f in args.links)
    con.execute(f"create view links as select * from read_parquet([{files}])")
    rows = con.execute(QUERY).fetchdf().to_dict("records")

    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        codes = list(r["messiness"])
        dispatched = r["decision"] == "dispatched"
        wrong = dispatched and (r["tc"] is None or r["lc"] != r["tc"])
        missed = bool(r["placeable"]) and not dispatched
        if not (wrong or missed):
            continue
        groups[("wrong" if wrong else "missed", kind_of(codes, wrong, r))].append(r)

    out = {}
    for what in ("wrong", "missed"):
        total = sum(len(v) for (k, _), v in groups.items() if k == what)
        print(f"\n=== {what}: {total} records ===")
        ranked = sorted(((kind, v) for (k, kind), v in groups.items() if k == what), key=lambda kv: -len(kv[1]))
        out[what] = {}
        for kind, recs in ranked:
            reasons = Counter(r["reason"] for r in recs if r["reason"])
            print(f"\n-- {kind}: {len(recs)}" + (f"  (reasons: {dict(reasons.most_common(3))})" if reasons else ""))
            out[what][kind] = {"count": len(recs), "examples": []}
            for r in recs[: args.examples]:
                ex = {"record_id": r["record_id"], "address": r["address"], "hint": r["hint"],
                      "true": f"{r['tc']} {r['tcn'] or ''} {r['true_std'] or ''}".strip(),
                      "sent": f"{r['lc'] or '-'} {r['lcn'] or ''} {r['linked_std'] or ''}".strip()
                      if r["decision"] == "dispatched" else f"{r['decision']} ({r['reason']})",
                      "placeable": bool(r["placeable"]), "clerk_route": r["clerk_route"]}
                out[what][kind]["examples"].append(ex)
                print(f"   {ex['record_id']}  addr: {ex['address']}" + (f"  [street: {ex['hint']}]" if ex["hint"] else ""))
                print(f"      belongs: {ex['true']}")
                print(f"      sent:    {ex['sent']}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, ensure_ascii=False, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
