"""The ``streetlink`` command line.

    streetlink run --date D --inbox I --registry R --out O     the nightly flow for one date
    streetlink demo                                            generate demo data and run it
    streetlink generate --profile small --seed 7 --out DIR     a synthetic Pudong with truth
    streetlink evaluate --truth T --links L                    accuracy against the truth
    streetlink simulate-replies --out O --date D --truth T --inbox I   simulated streets' replies
    streetlink baseline --date D --inbox I --registry R --out O  the naive "before" look-ups
    streetlink train --date D --inbox I --registry R           train the linkage models
    streetlink refresh-registry --registry R --out O           standardise the registries now
    streetlink screen --rules NEW --date D --out O             what a rule change would do (writes nothing)

Errors a user can act on are printed as one line with a non-zero exit status; ``--debug``
shows the traceback. Log records are one plain line each on stderr, times in Beijing
time; Prefect's own records go the same way (``flows/logging.yml``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import signal
import sys
from pathlib import Path

from streetlink import __version__
from streetlink.config import DEMO_DATE, EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE  # noqa: F401 (re-exported)
from streetlink.errors import StreetlinkError

__all__ = ["LineFormatter", "StderrHandler", "build_parser", "main"]

log = logging.getLogger("streetlink")



def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _existing_dir(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"no such folder: {text}")
    return path


def _mode(text: str) -> int:
    from streetlink.config import parse_mode
    from streetlink.errors import StreetlinkError

    try:
        return parse_mode(text)
    except StreetlinkError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_engine_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--memory-limit", help="DuckDB memory limit, e.g. 6GB (default: $STREETLINK_MEMORY_LIMIT or 6GB)")
    p.add_argument("--threads", type=int, help="DuckDB threads (default: $STREETLINK_THREADS or 2)")


def _add_spark_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", choices=("duckdb", "spark"),
                   help="engine of standardise, link and decide (default: $STREETLINK_ENGINE or duckdb); "
                        "spark needs the extra .[spark] and Java 17")
    p.add_argument("--spark-master", metavar="URL",
                   help="Spark master, e.g. spark://host:7077 (default: $SPARK_MASTER, else local mode; "
                        "SPARK_REMOTE names a Spark Connect server)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="streetlink",
        description="Place Pudong's nightly records on streets and committees by linking them to the registries.",
    )
    parser.add_argument("--version", action="version", version=f"streetlink {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="run the nightly flow for one date")
    p.add_argument("--date", type=_date, required=True, help="the night, YYYY-MM-DD (reads <inbox>/<date>/)")
    p.add_argument("--inbox", type=_existing_dir, required=True, help="inbox folder holding one folder per date")
    p.add_argument("--registry", type=_existing_dir, required=True, help="registry folder (admin, housing, population)")
    p.add_argument("--out", type=Path, required=True, help="output folder; the night goes to <out>/<date>/")
    p.add_argument("--reports", type=Path,
                   help="reports folder (default: <out>/reports; the trend uses only this output root's nights)")
    p.add_argument("--warehouse", type=Path, help="standardised-registry DuckDB file (default: <out>/warehouse.duckdb)")
    p.add_argument("--models", type=Path, help="linkage model folder (default: linkage_models/)")
    p.add_argument("--output-mode", type=_mode, metavar="MODE",
                   help="permission mode of the published files, octal, e.g. 0640 for group-readable; folders "
                        "get x where r is set (default: $STREETLINK_OUTPUT_MODE, else what the umask allows)")
    p.add_argument("--deadline-hours", type=float, metavar="H",
                   help="hours a street has to answer (default: $STREETLINK_DEADLINE_HOURS or 24)")
    p.add_argument("--keep-work", action="store_true", help="keep the scratch folder of a failed run")
    p.add_argument("--screening-rules", type=Path, metavar="RULES",
                   help="screening rule file in force (default: $STREETLINK_SCREENING_RULES or "
                        "screening_rules/rules.toml); checked before anything is written")
    _add_engine_options(p)
    _add_spark_options(p)

    p = sub.add_parser("demo", help="generate the built-in demo data and run the nightly flow on it")
    p.add_argument("--dir", type=Path, default=Path("outputs/demo"), help="where the demo data and outputs go")
    p.add_argument("--reports", type=Path, help="reports folder (default: <dir>/out/reports)")

    p = sub.add_parser("generate", help="generate a synthetic Pudong (registries, nightly inboxes, ground truth)")
    p.add_argument("--profile", choices=("small", "medium", "pudong"), default="small")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--nights", type=int, default=1)
    p.add_argument("--start-date", type=_date, default=DEMO_DATE)
    p.add_argument("--bad-input", action="store_true", help="also write a few malformed files/records")
    p.add_argument("--variation", action="append", metavar="NAME",
                   help="world variation(s): base (default), dirty_registry, phased_estates, shared_phones, "
                        "sloppy, movers, travel; combine with commas or by repeating (sloppy,movers)")
    p.add_argument("--clerk", choices=("basic", "thorough"),
                   help="whose reasoning the truth follows (default: thorough; basic = generator 1.2)")

    p = sub.add_parser("simulate-replies", help="answer a night's packets and review workbook as simulated streets would")
    p.add_argument("--out", type=_existing_dir, required=True, help="the run's output folder (reads <out>/<date>/dispatch, review)")
    p.add_argument("--date", type=_date, required=True, help="the night whose packets to answer")
    p.add_argument("--truth", type=Path, required=True, help="truth folder (or file) of the generated world")
    p.add_argument("--inbox", type=Path, required=True, help="inbox folder: replies go to <inbox>/<later date>/replies/")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--registry", type=_existing_dir, help="registry folder (default: registry beside the truth folder)")

    p = sub.add_parser("evaluate", help="measure a run's links against the synthetic truth")
    p.add_argument("--truth", type=Path, nargs="+", required=True, help="truth file(s) or folder(s)")
    p.add_argument("--links", type=Path, nargs="+", required=True, help="links.parquet file(s) or folder(s)")
    p.add_argument("--baseline", type=Path, nargs="+", help="baseline links to show side by side ('before')")
    p.add_argument("--json", type=Path, help="write the metrics as JSON here (default: beside the first links file)")

    p = sub.add_parser("baseline", help="the naive exact look-ups done by hand before streetlink")
    p.add_argument("--date", type=_date, required=True)
    p.add_argument("--inbox", type=_existing_dir, required=True)
    p.add_argument("--registry", type=_existing_dir, required=True)
    p.add_argument("--out", type=Path, required=True, help="writes <out>/<date>/baseline_links.parquet")

    p = sub.add_parser("train", help="train the address and person linkage models (writes <work>/models/)")
    p.add_argument("--date", type=_date, help="a night whose records to train on")
    p.add_argument("--inbox", type=_existing_dir)
    p.add_argument("--registry", type=_existing_dir)
    p.add_argument("--labels", action="store_true",
                   help="learn from the streets' answers instead: re-estimate m from confirmed pairs and "
                        "choose the thresholds on the labelled nights under --out (needs --out)")
    p.add_argument("--out", type=_existing_dir, help="with --labels: the output root (ledger and nights)")
    p.add_argument("--min-answers", type=int, default=50,
                   help="with --labels: answers a rule needs before its thresholds move (default 50)")
    p.add_argument("--work", type=Path, default=Path("outputs/training"), help="scratch folder")
    p.add_argument("--models", type=Path,
                   help="model folder to replace with the new set (default: <work>/models; pass linkage_models "
                        "to replace the installed models)")
    p.add_argument("--truth", type=Path, help="optional truth file of the same night: thresholds are then chosen on it")
    p.add_argument("--world", type=_existing_dir, action="append", default=[], metavar="DIR",
                   help="a further generated world (inbox/, registry/, truth/) whose nights the thresholds "
                        "must also hold on; repeatable (the worst world decides)")
    _add_engine_options(p)

    p = sub.add_parser("refresh-registry", help="load and standardise the registries into the warehouse")
    p.add_argument("--registry", type=_existing_dir, required=True)
    p.add_argument("--out", type=Path, required=True, help="output folder holding the warehouse")
    p.add_argument("--warehouse", type=Path, help="DuckDB file (default: <out>/warehouse.duckdb)")
    p.add_argument("--force", action="store_true", help="refresh even if the registry files are unchanged")
    _add_engine_options(p)

    p = sub.add_parser("screen", help="replay changed screening rules on a published night (writes nothing)")
    p.add_argument("--rules", type=Path, required=True, help="the changed rules.toml (its key-area file beside it)")
    p.add_argument("--date", type=_date, required=True, help="a published night, YYYY-MM-DD")
    p.add_argument("--out", type=_existing_dir, required=True, help="output folder holding <out>/<date>/")
    p.add_argument("--examples", type=int, default=20, help="changed cases to list (default: 20)")
    return parser


def _engine(args: argparse.Namespace):
    from streetlink.config import EngineConfig

    kwargs = {}
    if getattr(args, "memory_limit", None):
        kwargs["memory_limit"] = args.memory_limit
    if getattr(args, "threads", None):
        kwargs["threads"] = args.threads
    if getattr(args, "engine", None):
        kwargs["kind"] = args.engine
    if getattr(args, "spark_master", None):
        kwargs["spark_master"] = args.spark_master
    return EngineConfig(**kwargs)


class LineFormatter(logging.Formatter):
    """One line per record: `2026-11-25 02:00:13 INFO    streetlink.link: text` (Beijing time).

    Line breaks inside a message become " | " so that a record never spans lines; a flow
    or task run's records name the run. Tracebacks are kept (they come only with --debug
    or from a crash) — as further lines, which a reader of the log needs whole.
    """

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")

    def converter(self, timestamp: float):  # type: ignore[override]
        from streetlink.config import SHANGHAI

        return dt.datetime.fromtimestamp(timestamp, SHANGHAI).timetuple()

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = " | ".join(part.strip() for part in record.message.splitlines() if part.strip())
        run = getattr(record, "task_run_name", None) or getattr(record, "flow_run_name", None)
        if run:
            record.message = f"[{run}] {record.message}"
        return super().formatMessage(record)


class StderrHandler(logging.StreamHandler):
    """A stream handler that writes to whatever sys.stderr is now (a progress display swaps it)."""

    def __init__(self, level: int = logging.NOTSET) -> None:
        super().__init__(sys.stderr)
        self.setLevel(level)

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def _setup_logging(debug: bool) -> None:
    # Prefect configures logging from a file when imported: point it at ours (plain lines).
    os.environ.setdefault("PREFECT_LOGGING_SETTINGS_PATH", str(Path(__file__).resolve().parents[1] / "flows"
                                                                / "logging.yml"))
    handler = StderrHandler()
    handler.setFormatter(LineFormatter())
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
    logging.getLogger("streetlink").setLevel(logging.DEBUG if debug else logging.INFO)
    logging.getLogger("flows").setLevel(logging.DEBUG if debug else logging.INFO)
    # Splink and Prefect are chatty at INFO; our own stages report what matters. Splink
    # also warns, every night, that the lane comparison has no null level: by design (a
    # record's missing lane is evidence, see streetlink/link/specs.py).
    for noisy in ("httpx", "prefect.server", "uvicorn", "alembic"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.WARNING)
    logging.getLogger("splink").setLevel(logging.DEBUG if debug else logging.ERROR)


def _stop_on_sigterm():
    """SIGTERM (a stopped service, `kill`) unwinds like Ctrl-C: temporary folders and the
    temporary Prefect server are removed on the way out. Returns the previous handler."""
    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (an embedding application): leave signals alone
        return None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.debug)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    previous = _stop_on_sigterm()
    try:
        from streetlink import commands

        return getattr(commands, "cmd_" + args.command.replace("-", "_"))(args, engine=_engine(args))
    except StreetlinkError as exc:
        if args.debug:
            raise
        print(f"streetlink: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("streetlink: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line for the operator, the traceback with --debug
        if args.debug:
            raise
        print(f"streetlink: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)",
              file=sys.stderr)
        return EXIT_FAILED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
