"""The same suites through GX's Spark data source (local mode) give the same pass/fail as pandas."""

from __future__ import annotations

import shutil

import pytest

from kit.mapping.spec import Mapping
from kit.validation import validate
from tests.conftest import SAMPLE

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[spark]')")
pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java, and there is none here")

MAPPING = SAMPLE.parent / "mappings" / "crm_to_erp.yaml"


def test_spark_and_pandas_engines_agree_on_every_expectation():
    mapping = Mapping.load(MAPPING)
    pandas = validate(mapping)
    spark = validate(mapping, engine="spark")

    def outcome(v):
        return {(r.side, r.field, r.type, r.column): (r.success, r.unexpected_count) for r in v.results}

    assert outcome(spark) == outcome(pandas)
    assert spark.success is pandas.success is False
    assert spark.to_junit().count("<testcase") == pandas.to_junit().count("<testcase")
