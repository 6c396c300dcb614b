"""Saved profiles and suites, as ``kit drift`` and ``kit validate`` read them, truncated, of another
version or hand-edited: a result or a KitError naming the file, never a traceback."""

from __future__ import annotations

import copy
import json

from hypothesis import given
from hypothesis import strategies as st

from kit.drift import drift
from kit.errors import KitError
from kit.expectations import Suites
from kit.load import read_extract
from kit.mapping.spec import Mapping
from kit.profiling import Profile, profile
from kit.validation import load_suite, validate
from tests.conftest import SAMPLE
from tests.fuzz.conftest import attempt, budget

MAPPING = Mapping.load(SAMPLE.parent / "mappings" / "crm_to_erp.yaml")
ROWS = read_extract(SAMPLE / "crm_contacts.csv").frame.head(200)
GOOD = profile(ROWS, near=False)
GOOD_TEXT = GOOD.to_json()
SUITES_DIR = SAMPLE.parent / "expectations"
SOURCE_SUITE = json.loads((SUITES_DIR / "crm_to_erp.source.json").read_text())
TARGET_SUITE = json.loads((SUITES_DIR / "crm_to_erp.target.json").read_text())

ODD_VALUES = [None, "many", -1, 1e308, [], {}, "", True, "x" * 1000, {"a": [1]}, 2**70]


def _paths(doc, prefix=()):
    """Every path into a JSON document (keys and indices), the document itself first."""
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc[:3]):
            yield from _paths(v, (*prefix, i))


PROFILE_PATHS = list(_paths(json.loads(GOOD_TEXT)))
SUITE_PATHS = list(_paths(SOURCE_SUITE))


def _edit(doc, path, how: str, value):
    """``doc`` with the node at ``path`` replaced, deleted or its container emptied."""
    doc = copy.deepcopy(doc)
    if not path:
        return value
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if how == "delete":
        del parent[last]
    else:
        parent[last] = value
    return doc


@budget(40, 3000)
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(PROFILE_PATHS), st.sampled_from(["set", "delete"]), st.sampled_from(ODD_VALUES)),
        max_size=3,
    ),
    cut=st.none() | st.integers(0, len(GOOD_TEXT)),
)
def test_hand_edited_profiles_given_to_drift(edits, cut):
    doc = json.loads(GOOD_TEXT)
    for path, how, value in edits:
        try:
            doc = _edit(doc, path, how, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this path
    text = json.dumps(doc)
    if cut is not None:
        text = text[:cut]

    def read_and_compare():
        old = Profile.from_json(text, "snapshot.json")
        drift(old, GOOD, MAPPING).summary()
        drift(GOOD, old, MAPPING).summary()

    attempt("saved profile -> drift", read_and_compare)


@budget(4, 150)
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(SUITE_PATHS), st.sampled_from(["set", "delete"]), st.sampled_from(ODD_VALUES)),
        min_size=1,
        max_size=3,
    ),
)
def test_hand_edited_suites_given_to_validate(edits):
    doc = SOURCE_SUITE
    for path, how, value in edits:
        try:
            doc = _edit(doc, path, how, value)
        except (KeyError, IndexError, TypeError):
            continue
    suites = Suites(doc, TARGET_SUITE)
    attempt("saved suite -> validate", lambda: validate(MAPPING, source=ROWS, suites=suites), seconds=120)


@budget(10, 300)
@given(cut=st.integers(0, 4000), version=st.sampled_from([None, 0, 3, 99, "2", -1]))
def test_truncated_and_versioned_files(fuzz_dir, cut, version):
    suite_path = fuzz_dir / "cut.source.json"
    suite_path.write_text(json.dumps(SOURCE_SUITE)[:cut])
    attempt("saved suite -> validate", lambda: load_suite(suite_path))
    doc = json.loads(GOOD_TEXT)
    doc["format_version"] = version
    attempt("saved profile -> drift", lambda: Profile.from_json(json.dumps(doc), "versioned.json"))


def test_a_suite_that_is_not_an_object_is_refused_by_name(fuzz_dir):
    for text in ("[]", '"x"', "null", '{"expectations": 5}', '{"name": "s", "expectations": [42]}'):
        path = fuzz_dir / "odd.json"
        path.write_text(text)
        try:
            suite = load_suite(path)
            validate(MAPPING, source=ROWS, suites=Suites(suite, TARGET_SUITE))
        except KitError as exc:
            assert "odd.json" in str(exc) or "suite" in str(exc)
