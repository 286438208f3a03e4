import gc

import pytest

from pipeline import api
from pipeline.api import Options, build_tables
from pipeline.collector import NEVER, young_generations_only
from tests.helpers import RAW


def test_the_old_generation_waits_inside_and_the_thresholds_come_back():
    before = gc.get_threshold()
    with young_generations_only():
        assert gc.get_threshold() == (before[0], before[1], NEVER)
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), young_generations_only():
        raise RuntimeError("a stage failed")
    assert gc.get_threshold() == before


def test_a_run_builds_its_rows_with_young_collections_only(monkeypatch, model_cache):
    seen: dict[str, tuple[int, int, int]] = {}
    real_read, real_attribute = api.read_inputs, api.attribute

    def read_inputs(*args, **kwargs):
        seen["extract"] = gc.get_threshold()
        return real_read(*args, **kwargs)

    def attribute(*args, **kwargs):
        seen["attribute"] = gc.get_threshold()
        return real_attribute(*args, **kwargs)

    monkeypatch.setattr(api, "read_inputs", read_inputs)
    monkeypatch.setattr(api, "attribute", attribute)
    before = gc.get_threshold()
    build_tables(RAW, options=Options(cache_dir=model_cache))
    assert seen["extract"] == before  # parsing pages may leave cycles: collected as usual
    assert seen["attribute"][2] == NEVER
    assert gc.get_threshold() == before
