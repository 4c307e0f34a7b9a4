"""What each command-line command does: parse nothing, print little, call flows and packages.

Two things here keep a run an operator can leave alone:

* ``prefect_api`` — without a configured server (``PREFECT_API_URL``) the flow needs
  Prefect's temporary server, a child process. Started here rather than lazily by
  Prefect, with the Linux parent-death signal set in the child: however this process
  ends (SIGKILL included) the server ends with it, instead of lingering as an orphan.
* ``step_progress`` — on a terminal, a progress display of the night's steps with the
  elapsed time, so a 70-second link step visibly runs; elsewhere (cron, a worker) only
  the one-line log records.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console

from streetlink.config import EngineConfig, RunConfig, output_mode_from_env
from streetlink.errors import StreetlinkError
from streetlink.paths import models_dir

log = logging.getLogger(__name__)
console = Console(highlight=False, soft_wrap=True)  # soft wrap: paths stay whole

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL = 0, 1, 3
_PR_SET_PDEATHSIG = 1
_SERVER_START_SECONDS = 120


def die_with_parent_preexec(parent: int | None = None):
    """A `preexec_fn` that makes the child get SIGKILL when this process ends (Linux)."""
    parent = os.getpid() if parent is None else parent
    libc_name = ctypes.util.find_library("c")

    def preexec() -> None:
        if libc_name is not None and sys.platform.startswith("linux"):
            ctypes.CDLL(libc_name, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return preexec


@contextlib.contextmanager
def _children_die_with_us() -> Iterator[None]:
    """While inside, every subprocess.Popen child is tied to this process's life."""
    original = subprocess.Popen
    preexec = die_with_parent_preexec()

    class TiedPopen(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("preexec_fn", preexec)
            super().__init__(*args, **kwargs)

    subprocess.Popen = TiedPopen  # type: ignore[misc]
    try:
        yield
    finally:
        subprocess.Popen = original  # type: ignore[misc]


@contextlib.contextmanager
def prefect_api() -> Iterator[str | None]:
    """The Prefect API to run flows against: the configured one, or a temporary server tied to us."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        yield PREFECT_API_URL.value()
        return
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import (
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        temporary_settings,
    )

    server = SubprocessASGIServer()
    with _children_die_with_us():
        # Prefect's 20 s default is not enough on a busy 2-core machine (measured 21 s).
        server.start(timeout=max(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value(), _SERVER_START_SECONDS))
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            yield server.api_url
            _drain_to_api()
    finally:
        server.stop()


def _drain_to_api() -> None:
    """Send the flow's queued logs and events while the temporary server still listens
    (else Prefect reports "Error logging to API" at exit)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        try:
            service.drain_all(timeout=10)
        except Exception as exc:  # noqa: BLE001 -- the run is done; a lost log line to the UI is not a failure
            log.debug("could not drain %s: %s", service.__name__, exc)


@contextlib.contextmanager
def step_progress(title: str) -> Iterator[None]:
    """A live display of the night's steps on a terminal (nothing when stderr is not one)."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from streetlink import nightly

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=Console(stderr=True, soft_wrap=True, highlight=False,
                                                              markup=False), transient=True,
                        redirect_stderr=True, redirect_stdout=False)
    task = progress.add_task(title, total=len(nightly.STEPS))

    def listen(step: str, event: str, position: int, total: int) -> None:
        if event == "start":
            progress.update(task, description=f"{title}: {step}", completed=position - 1, total=total)
        elif event == "done":
            progress.update(task, completed=position)

    remove = nightly.add_listener(listen)
    try:
        with progress:
            yield
    finally:
        remove()


def _rate(value: object) -> str:
    return f"{value:.2%}" if isinstance(value, float) else "—"


def _print_result(result: dict) -> int:
    console.print(f"[bold]Outputs[/bold]  {result['output_dir']}")
    console.print(f"  links     {Path(result['output_dir']) / 'links.parquet'}")
    console.print(f"  packets   {Path(result['output_dir']) / 'dispatch'}")
    console.print(f"  review    {Path(result['output_dir']) / 'review'}")
    console.print(f"[bold]Report[/bold]   {result['report_path']}")
    head = result.get("headline") or {}
    if head:
        counts = " · ".join(f"{k} {head[k]:,}" for k in ("records", "dispatched", "review", "rejected")
                            if isinstance(head.get(k), int))
        console.print(f"  {counts} · in-district rate {_rate(head.get('in_district_rate'))}"
                      f" · overall rate {_rate(head.get('match_rate'))}")
    if result.get("partial"):
        for f in result.get("failed_files", []):
            console.print(f"[red]failed file[/red] {f['path']}: {f['reason']}")
        console.print("[red]PARTIAL RUN[/red]: some input files could not be read (see the report).")
        return EXIT_PARTIAL
    return EXIT_OK


def _run_flow(config: RunConfig) -> int:
    nightly_run = flow("nightly")

    with prefect_api(), step_progress(f"night {config.date_str}"):
        result = nightly_run(
            date=config.date_str, inbox=str(config.inbox), registry=str(config.registry),
            out=str(config.out), reports=str(config.reports_dir),
            warehouse=str(config.warehouse) if config.warehouse else None,
            models=str(config.models), memory_limit=config.engine.memory_limit,
            threads=config.engine.threads, engine=config.engine.kind,
            spark_master=config.engine.spark_master,
            output_mode=f"{config.output_mode:04o}" if config.output_mode is not None else None,
            deadline_hours=config.deadline_hours, keep_work=config.keep_work,
            screening_rules=str(config.screening_rules) if config.screening_rules else None,
        )
    return _print_result(result)


FLOW_GROUP = "streetlink.flows"


def flow(name: str):
    """The Prefect flow registered as `name` (pyproject.toml, entry points ``streetlink.flows``).

    The library never imports the orchestration layer: flows wire the library's steps and
    announce themselves here, so ``streetlink`` works the same with another orchestrator's
    wiring installed in their place.
    """
    from importlib.metadata import entry_points

    found = entry_points(group=FLOW_GROUP, name=name)
    if not found:
        raise StreetlinkError(f"no flow {name!r} is installed (entry point group {FLOW_GROUP}); "
                              "reinstall the project: make setup")
    return next(iter(found)).load()


def _check_inputs(config: RunConfig) -> None:
    """Fail in one line before Prefect starts (its temporary server takes ~10 s)."""
    from streetlink.nightly import check_inbox, check_ledger_pending
    from streetlink.screen.evaluate import check_floor
    from streetlink.screen.rules import read_rules

    check_floor(read_rules(config.screening_rules))  # a bad rule file fails first, naming the rule (quietly)
    check_inbox(config)
    check_ledger_pending(config)
    missing = [n for n in ("admin", "housing", "population")
               if not any((config.registry / f"{n}.{ext}").is_file() for ext in ("csv", "parquet"))]
    if missing:
        raise StreetlinkError(f"registry folder {config.registry} lacks {', '.join(missing)} (.parquet or .csv)")
    from streetlink.link.models import model_info

    model_info(config.models)  # a missing or stale model fails here, with its path


def cmd_run(args: argparse.Namespace, engine: EngineConfig) -> int:
    optional = {"deadline_hours": args.deadline_hours} if args.deadline_hours is not None else {}
    config = RunConfig(
        date=args.date, inbox=args.inbox, registry=args.registry, out=args.out,
        reports=args.reports, warehouse=args.warehouse,
        models=args.models or models_dir(), engine=engine,
        output_mode=args.output_mode if args.output_mode is not None else output_mode_from_env(),
        keep_work=args.keep_work, screening_rules=args.screening_rules, **optional,
    )
    _check_inputs(config)
    return _run_flow(config)


def cmd_demo(args: argparse.Namespace, engine: EngineConfig) -> int:
    from streetlink.config import DEMO_DATE, DEMO_PROFILE, DEMO_SEED
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


def _train_from_labels(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    from streetlink.link.models import install_models
    from streetlink.link.training import train_from_labels

    if args.out is None:
        raise StreetlinkError("train --labels needs --out: the output root whose ledger holds the answers")
    target = args.models or (args.out / "models-from-labels")
    if target.resolve() == models_dir().resolve():
        raise StreetlinkError("train --labels never replaces the committed models: review the new set first "
                              "(pass another --models folder)")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    try:
        result = train_from_labels(args.out, models_dir(), staging, min_answers=args.min_answers)
        install_models(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(staging.parent / f"{staging.name}-scratch", ignore_errors=True)
    labels = result["labels"]
    console.print(f"models learnt from {len(labels['nights'])} labelled nights installed in {target}")
    console.print(f"  confirmed pairs for m: {labels['m_pairs']}; thresholds changed: {labels['changed'] or 'none'}")
    for when in ("before", "after"):
        o = labels[when]["overall"]
        console.print(f"  {when}: " + ", ".join(f"{k} {v:.4%}" for k, v in o.items() if v is not None))
    console.print(f"Review {target / 'MODEL_CARD.md'}; run with --models {target} to use them.")
    return EXIT_OK


def cmd_train(args: argparse.Namespace, engine: EngineConfig) -> int:
    if args.labels:
        return _train_from_labels(args)
    if not (args.date and args.inbox and args.registry):
        raise StreetlinkError("train needs --date, --inbox and --registry (or --labels --out OUT)")
    target = args.models or (args.work / "models")
    train_models = flow("train")
    with prefect_api():
        result = train_models(
            date=args.date.isoformat(), inbox=str(args.inbox), registry=str(args.registry),
            work=str(args.work), models=str(target),
            truth=str(args.truth) if args.truth else None,
            worlds=[str(w) for w in args.world],
            memory_limit=engine.memory_limit, threads=engine.threads,
        )
    for name, info in result["models"].items():
        console.print(f"{name}: {info['path']} (sha256 {info['sha256'][:12]}…)")
    if not args.models:
        console.print(f"Review {target / 'MODEL_CARD.md'}; to use these models, run with --models {target} "
                      f"(or STREETLINK_MODELS={target}), or train again with --models {models_dir()}.")
    return EXIT_OK


def cmd_refresh_registry(args: argparse.Namespace, engine: EngineConfig) -> int:
    refresh_registry = flow("refresh")
    warehouse = args.warehouse or (args.out / "warehouse.duckdb")
    with prefect_api():
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
    "die_with_parent_preexec",
    "prefect_api",
    "step_progress",
]
