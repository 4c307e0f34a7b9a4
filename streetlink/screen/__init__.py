"""Screen: rank the night's decided records by urgency and group them into cases.

Goal: a committee with forty rows must know which door to knock first. Reviewed rules
(``screening_rules/rules.toml``, the data center's; format and fields in
``screening_rules/README.md``) flag key situations — symptoms, arrival from a listed key
area inside its window, isolation/health hotline orders, the same person seen by several
sources or again while still open, a dwelling none of whose occupants is registered
there, a household member of an urgent case — each with a priority and a deadline.

Input:  `decisions`, `staged_records`, `records_std` (run database, after decide);
        `population_std` (warehouse); open items of earlier nights (the ledger's
        OPEN_ITEMS columns, any table or view); the rule file and its key-area file.
Output: `cases` (contract CASES = cases.parquet: every record once, case_id, priority,
        rules, deadline), `case_rows` (contract CASE_ROWS: one row per case and committee
        of the dispatched records, for the packets; urgent rows are the emergency orders),
        `screen_base` (contract SCREEN_BASE, kept as internal/screen_input.parquet), and a
        JSON-able summary with the funnel.

Steps, in order (``screen.sql`` holds the SQL of each, run through ``streetlink.sql``):

    load_rules           parse and check the rule file whole, before the night runs
    build_screen_base    collect_records → collect_open_items → assign_cases → case_history
                         → dwelling_facts → build_base
    evaluate_base        tie_key_areas → screen_input → fire_rules (pass 1) → rank_cases
                         → household_urgent → fire_rules (pass 2) → rank_cases → screen_results
    build_case_outputs   cases_output → case_rows
    compute_funnel       the funnel and the counts per rule
    write_screen_outputs cases.parquet and the internal files of the night
    diff_rules           replay a changed rule file on a published night (writes nothing)

Cases: the records of one person tonight (any source), or without a person of one
dwelling and matter (else one committee, place and matter), are one case. The case id is
``C<night yyyymmdd>-<first 10 hex digits of sha256(case key)>``; a case still open from an
earlier night (same key) keeps that night's id. A case takes the highest priority of its
records and of its open items; its deadline is the dispatch time plus the shortest
deadline of the rules it fired, never later than a deadline it already had.
"""

from streetlink.screen.diff import RuleDiff, diff_rules, format_diff
from streetlink.screen.evaluate import base_from_rows, evaluate_base
from streetlink.screen.funnel import compute_funnel, funnel_history, reconcile_funnel
from streetlink.screen.night import (
    build_case_outputs,
    build_screen_base,
    empty_open_items,
    load_rules,
    screen_night,
)
from streetlink.screen.rules import RuleError, RuleSet, default_rules_path
from streetlink.screen.writers import write_screen_outputs

__all__ = [
    "RuleDiff",
    "RuleError",
    "RuleSet",
    "base_from_rows",
    "build_case_outputs",
    "build_screen_base",
    "compute_funnel",
    "default_rules_path",
    "diff_rules",
    "empty_open_items",
    "evaluate_base",
    "format_diff",
    "funnel_history",
    "load_rules",
    "reconcile_funnel",
    "screen_night",
    "write_screen_outputs",
]
