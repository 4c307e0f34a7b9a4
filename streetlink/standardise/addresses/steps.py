"""Named steps in one ordered list, one runner, one plan a reader can audit.

As uk_address_matcher's cleaning queue (``QUEUE_CLEAN_FULL_ADDRESS = [step, step, …]``):
every stage of address standardisation is a small function with a name and a one-line
description, declared in a list in the order it runs. ``run_steps`` executes a list on one
working state; ``plan`` prints the list (nested lists indented) without running it.

Two kinds of state go through these lists:
    * one address being parsed (``parse.PARSE_STEPS``): Python per string, because
      reading a free-text Chinese address is tokenising, not a column expression — run on
      DISTINCT values and cached;
    * a table (``records.RECORD_STEPS``, ``housing.HOUSING_STEPS``): SQL stages for the
      set-based work, Python stages only on DISTINCT values.

A step reads and fills its run's working state, which the runner owns (a fresh one per
address or per table): it never changes the caller's inputs. ``when`` skips a step whose
input is absent; its text is part of the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Step", "plan", "run_steps"]


@dataclass(frozen=True)
class Step:
    """One named stage: ``run(state)``, skipped when ``when(state)`` is false.

    ``steps``: a step may stand for a list of its own (a sub-reading run by ``run``);
    ``plan`` shows it indented. ``kind``: "python" (per distinct value), "sql", or "sql+py"
    (SQL around a Python reading of the few rows SQL cannot read).
    """

    name: str
    description: str
    run: Callable[[Any], None]
    when: Callable[[Any], bool] | None = None
    when_text: str = ""
    kind: str = "python"
    steps: Sequence[Step] = ()


def run_steps(steps: Sequence[Step], state: Any) -> Any:
    """Run ``steps`` in order on ``state``; returns ``state``."""
    for step in steps:
        if step.when is None or step.when(state):
            step.run(state)
    return state


def plan(steps: Sequence[Step], title: str = "", indent: int = 0) -> str:
    """The list as text: number, name, kind, description, and when it is skipped."""
    lines = [title] if title else []
    pad = "    " * indent
    for i, step in enumerate(steps, 1):
        when = f"  [only when {step.when_text}]" if step.when_text else ""
        lines.append(f"{pad}{i:>2}. {step.name:<{34 - 4 * indent}} {step.kind:<6} {step.description}{when}")
        if step.steps:
            lines.append(plan(step.steps, indent=indent + 1))
    return "\n".join(lines)
