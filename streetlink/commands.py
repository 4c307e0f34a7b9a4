"""What each command-line command does: parse nothing, print little, call flows and packages."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from rich.console import Console

from streetlink.config import EngineConfig, RunConfig
from streetlink.errors import StreetlinkError
from streetlink.paths import models_dir

log = logging.getLogger(__name__)
console = Console(highlight=False)

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL = 0, 1, 3


def _print_result(result: dict) -> int:
    console.print(f"[bold]Outputs[/bold]  {result['output_dir']}")
    console.print(f"  links     {Path(result['output_dir']) / 'links.parquet'}")
    console.print(f"  packets   {Path(result['output_dir']) / 'dispatch'}")
    console.print(f"  review    {Path(result['output_dir']) / 'review'}")
    console.print(f"[bold]Report[/bold]   {result['report_path']}")
    head = result.get("headline") or {}
    if head:
        console.print("  " + ", ".join(f"{k} {v}" for k, v in head.items()))
    if result.get("partial"):
        for f in result.get("failed_files", []):
            console.print(f"[red]failed file[/red] {f['path']}: {f['reason']}")
        console.print("[red]PARTIAL RUN[/red]: some input files could not be read (see the report).")
        return EXIT_PARTIAL
    return EXIT_OK


def _run_flow(config: RunConfig) -> int:
    from flows.nightly import nightly_run

    result = nightly_run(
        date=config.date_str, inbox=str(config.inbox), registry=str(config.registry),
        out=str(config.out), reports=str(config.reports),
        warehouse=str(config.warehouse) if config.warehouse else None,
        models=str(config.models), memory_limit=config.engine.memory_limit,
        threads=config.engine.threads,
    )
    return _print_result(result)


def _check_inputs(config: RunConfig) -> None:
    """Fail in one line before Prefect starts (its temporary server takes ~15 s)."""
    if not config.inbox_day.is_dir():
        raise StreetlinkError(f"no inbox folder for {config.date_str}: {config.inbox_day}")
    missing = [n for n in ("admin", "housing", "population")
               if not any((config.registry / f"{n}.{ext}").is_file() for ext in ("csv", "parquet"))]
    if missing:
        raise StreetlinkError(f"registry folder {config.registry} lacks {', '.join(missing)} (.parquet or .csv)")
    from streetlink.link.models import model_info

    model_info(config.models)  # a missing or stale model fails here, with its path


def cmd_run(args: argparse.Namespace, engine: EngineConfig) -> int:
    config = RunConfig(
        date=args.date, inbox=args.inbox, registry=args.registry, out=args.out,
        reports=args.reports, warehouse=args.warehouse,
        models=args.models or models_dir(), engine=engine,
    )
    _check_inputs(config)
    return _run_flow(config)


def cmd_demo(args: argparse.Namespace, engine: EngineConfig) -> int:
    from streetlink.cli import DEMO_DATE, DEMO_PROFILE, DEMO_SEED
    from streetlink.synth import generate

    data = args.dir / "data"
    if not (data / "manifest.json").exists():
        console.print(f"Generating the demo data (profile {DEMO_PROFILE}, seed {DEMO_SEED}) in {data} …")
        with _progress() as report:
            generate(DEMO_PROFILE, DEMO_SEED, data, nights=1, start_date=DEMO_DATE, progress=report)
    else:
        console.print(f"Using the demo data in {data}")
    config = RunConfig(date=DEMO_DATE, inbox=data / "inbox", registry=data / "registry",
                       out=args.dir / "out", reports=args.reports, engine=engine)
    code = _run_flow(config)
    truth = data / "truth" / f"{DEMO_DATE.isoformat()}.parquet"
    if truth.exists():
        from streetlink.evaluate import evaluate, format_table

        ev = evaluate([truth], [config.output_day / "links.parquet"], label="streetlink")
        print(format_table(ev))
    return code


def cmd_generate(args: argparse.Namespace, engine: EngineConfig) -> int:
    from streetlink.synth import generate

    with _progress() as report:
        summary = generate(args.profile, args.seed, args.out, nights=args.nights,
                           start_date=args.start_date, progress=report,
                           **({"inject_bad_input": True} if args.bad_input else {}),
                           variation=args.variation, clerk=args.clerk)
    console.print(f"Generated {args.profile} (seed {args.seed}) in {args.out}")
    console.print(str(summary))
    return EXIT_OK


def cmd_simulate_replies(args: argparse.Namespace, engine: EngineConfig) -> int:
    from streetlink.synth.streets import simulate_replies

    summary = simulate_replies(args.out, args.date, args.truth, args.inbox, seed=args.seed,
                               registry=args.registry)
    console.print(f"{len(summary.files)} reply files written under {args.inbox} "
                  f"({sum(summary.answered.values())} rows answered, {summary.blank_rows} left blank, "
                  f"{len(summary.silent_streets)} streets silent)")
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace, engine: EngineConfig) -> int:
    from streetlink.evaluate import compare, evaluate, format_table, write_json

    after = evaluate(args.truth, args.links, label="streetlink")
    evaluations = [after]
    if args.baseline:
        before = evaluate(args.truth, args.baseline, label="baseline")
        evaluations = [before, after]
        print(compare(evaluations))
    else:
        print(format_table(after))
    target = args.json or _default_json_path(args.links[0])
    write_json(evaluations if len(evaluations) > 1 else after, target)
    console.print(f"metrics written to {target}")
    return EXIT_OK


def _default_json_path(links: Path) -> Path:
    base = links if links.is_dir() else links.parent
    return base / "evaluation.json"


def cmd_baseline(args: argparse.Namespace, engine: EngineConfig) -> int:
    from streetlink.evaluate.runner import run_baseline

    path = run_baseline(args.date, args.inbox, args.registry, args.out, engine)
    console.print(f"baseline links written to {path}")
    return EXIT_OK


def cmd_train(args: argparse.Namespace, engine: EngineConfig) -> int:
    from flows.train_models import train_models

    result = train_models(
        date=args.date.isoformat(), inbox=str(args.inbox), registry=str(args.registry),
        work=str(args.work), models=str(args.models or models_dir()),
        truth=str(args.truth) if args.truth else None,
        worlds=[str(w) for w in args.world],
        memory_limit=engine.memory_limit, threads=engine.threads,
    )
    for name, info in result["models"].items():
        console.print(f"{name}: {info['path']} (sha256 {info['sha256'][:12]}…)")
    return EXIT_OK


def cmd_refresh_registry(args: argparse.Namespace, engine: EngineConfig) -> int:
    from flows.refresh_registry import refresh_registry

    warehouse = args.warehouse or (args.out / "warehouse.duckdb")
    info = refresh_registry(registry=str(args.registry), warehouse=str(warehouse), force=args.force,
                            memory_limit=engine.memory_limit, threads=engine.threads)
    state = "rebuilt" if info["refreshed"] else "unchanged, reused"
    console.print(f"warehouse {info['path']} {state}: " + ", ".join(f"{k} {v:,}" for k, v in info["rows"].items()))
    return EXIT_OK


def cmd_screen(args: argparse.Namespace, engine: EngineConfig) -> int:
    from streetlink.screen import diff_rules, format_diff

    print(format_diff(diff_rules(args.out / args.date.isoformat(), args.rules, examples=args.examples)))
    return EXIT_OK


class _progress:
    """A rich progress bar fed by (stage, done, total) callbacks."""

    def __enter__(self):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TimeElapsedColumn(), console=console, transient=False)
        self._progress.__enter__()
        self._tasks: dict[str, int] = {}
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=max(total, 1))
        self._progress.update(self._tasks[stage], completed=done, total=max(total, 1))

    def __exit__(self, *exc) -> None:
        self._progress.__exit__(*exc)


__all__ = [
    "StreetlinkError",
    "cmd_baseline",
    "cmd_demo",
    "cmd_evaluate",
    "cmd_generate",
    "cmd_refresh_registry",
    "cmd_run",
    "cmd_simulate_replies",
    "cmd_screen",
    "cmd_train",
]
