"""The mapping file fed random and mutated YAML: a Mapping (which then applies to real rows) or a
MappingError naming the file and line, never a traceback, a hang, or an expansion without bound."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kit.load import read_extract
from kit.mapping.apply import apply_mapping
from kit.mapping.spec import Mapping
from tests.conftest import SAMPLE
from tests.fuzz.conftest import attempt, budget

MAPPING_PATH = SAMPLE.parent / "mappings" / "crm_to_erp.yaml"
TEXT = MAPPING_PATH.read_text(encoding="utf-8")
LINES = TEXT.splitlines(keepends=True)
ROWS = read_extract(SAMPLE / "crm_contacts.csv").frame.head(300)

EVIL_REGEXES = ["(a+)+$", "^(\\w+\\s?)*$", "((ab)*)*c", "(x|x|x)*y", "(?=a)", "(\\d)\\1", "[", "a{99999999}"]
INSERTIONS = [
    "anchors: &a [x, x, x, x, x, x, x, x, x, x]\nbomb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "bomb2: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nbomb3: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
    "evil: !!python/object/apply:os.system ['echo hacked']\n",
    "name: duplicate_key\n",
    "fields: 42\n",
    "version: [1, 2]\n",
    "source: {system: x, extract: /etc/passwd}\n",
    "  - unknown_step_name\n",
    "  - regex_replace: {pattern: '(a+)+$', replace: ''}\n",
    "    pattern: '^(\\w+\\s?)*$'\n",
    "    type: decimal\n    scale: -3\n",
    "    max_length: -1\n",
    "    confidence: 7\n",
    "    decided_on: not-a-date\n",
    "\t\tbad: indentation\n",
    "x: " + "[" * 200 + "]" * 200 + "\n",
    "%YAML 1.1\n---\n",
    "...\n---\nsecond: document\n",
]


def load_and_apply(text: str) -> None:
    mapping = Mapping.loads(text, MAPPING_PATH)
    applied = apply_mapping(mapping, ROWS)
    assert applied.accounting.holds(), applied.accounting.summary()


@budget(25, 2000)
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(["delete", "duplicate", "insert", "swap", "truncate", "regex"]),
            st.integers(0, len(LINES)),
            st.sampled_from(INSERTIONS),
            st.sampled_from(EVIL_REGEXES),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_sample_mapping(edits):
    lines = list(LINES)
    for kind, at, insertion, regex in edits:
        i = at % (len(lines) + 1)
        if kind == "delete" and lines:
            del lines[min(i, len(lines) - 1)]
        elif kind == "duplicate" and lines:
            lines.insert(i, lines[min(i, len(lines) - 1)])
        elif kind == "insert":
            lines.insert(i, insertion)
        elif kind == "swap" and len(lines) > 1:
            j = (i * 7 + 3) % len(lines)
            lines[min(i, len(lines) - 1)], lines[j] = lines[j], lines[min(i, len(lines) - 1)]
        elif kind == "truncate":
            lines = lines[:i]
        elif kind == "regex":
            lines.insert(i, f"    pattern: '{regex}'\n")
    attempt("mapping: mutated YAML", lambda: load_and_apply("".join(lines)))


@budget(25, 2000)
@given(text=st.text(max_size=400))
def test_random_text_as_a_mapping(text):
    attempt("mapping: random text", lambda: load_and_apply(text))


@budget(15, 500)
@given(pattern=st.sampled_from(EVIL_REGEXES) | st.text(alphabet="()[]{}*+?|\\^$.aw0123,", max_size=14))
def test_regexes_in_pattern_and_regex_replace(pattern):
    quoted = pattern.replace("'", "''")
    text = TEXT.replace(
        "  name:\n    type: string\n",
        f"  name:\n    type: string\n    pattern: '{quoted}'\n",
        1,
    )
    attempt("mapping: regexes", lambda: load_and_apply(text))
    step = f"      - regex_replace: {{pattern: '{quoted}', replace: ''}}\n"
    stepped = TEXT.replace("      - strip\n", "      - strip\n" + step, 1)
    attempt("mapping: regexes", lambda: load_and_apply(stepped))
