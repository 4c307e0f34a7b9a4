"""Accuracy guards: the whole pipeline on two world variations of the small profile.

The committed models were trained on the medium profile's seed 1 (EM on the world of all
variations combined) and their thresholds chosen on seed 1 of the variations; these worlds (other seeds, the small
profile) were never used for training or tuning. Two variations whose habits differ most
from the base world: sloppy writers and clerks, and estates with phases spoken without
them. The floors sit below what was measured (see docs/evaluation.md) by a margin for
seed-to-seed variation: a failure means the pipeline got worse, not that a seed was unlucky.
"""

from __future__ import annotations

import datetime as dt

import pytest

from streetlink.config import RunConfig
from streetlink.evaluate import evaluate
from streetlink.nightly import run_night
from streetlink.paths import models_dir
from streetlink.synth import generate

DATE = dt.date(2026, 11, 24)
WORLDS = (("sloppy", 11), ("phased_estates", 12))

# floors for every seed (overall metrics); measured with the committed models 2026-12-02:
# sloppy s11 / phased_estates s12
FLOORS = {
    # vague addresses whose only place evidence is the registered home go to review (the
    # standing decision, until replies measure how stale such homes are): 92.05 / 92.36 %
    "dispatch_rate": 0.90,
    "committee_precision": 0.998,  # 100 / 99.96 %
    "street_precision": 0.999,  # 100 / 99.96 %
    "person_precision": 0.998,  # 99.90 / 100 %
    "person_recall": 0.92,  # 94.97 / 94.57 %
    "person_recall_identifiable": 0.985,  # 99.73 / 99.58 %
    "dwelling_accuracy": 0.99,  # 99.91 / 99.67 %
}


@pytest.fixture(scope="module", params=WORLDS, ids=[f"{v}-s{s}" for v, s in WORLDS])
def evaluation(request, tmp_path_factory):
    variation, seed = request.param
    root = tmp_path_factory.mktemp(f"small-{variation}-{seed}")
    generate("small", seed, root / "data", nights=1, start_date=DATE, variation=variation)
    config = RunConfig(date=DATE, inbox=root / "data" / "inbox", registry=root / "data" / "registry",
                       out=root / "out", reports=root / "reports", models=models_dir())
    run_night(config)
    return evaluate([root / "data" / "truth" / f"{DATE.isoformat()}.parquet"],
                    [root / "out" / DATE.isoformat() / "links.parquet"], label=f"small {variation} seed {seed}")


@pytest.mark.accuracy
@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_overall_metric_above_floor(evaluation, metric):
    value = evaluation.overall.metrics[metric].rate
    assert value is not None and value >= FLOORS[metric], f"{metric} = {value:.4f} < {FLOORS[metric]}"


@pytest.mark.accuracy
def test_no_outside_record_dispatched(evaluation):
    assert evaluation.overall.metrics["outside_pudong_dispatched"].count == 0


@pytest.mark.accuracy
def test_every_source_places_most_of_its_records(evaluation):
    for source in ("checkpoint", "hotline", "healthcloud"):
        group = evaluation.group("source", source)
        assert group.metrics["committee_precision"].rate >= 0.996, source
        assert group.metrics["dispatch_rate"].rate >= 0.88, source  # measured 90.8 % and up
