"""The data-mapping kit: load, profile, map, expect, validate.

>>> import kit
>>> ex = kit.read_extract("sample_data/erp_customers.csv")
>>> ex.report.encoding
'utf-8'

The public names are imported on first use, so ``import kit`` (and every ``kit`` command) starts
fast and loads pydantic, rapidfuzz or great-expectations only when they are needed.
"""

from __future__ import annotations

import importlib
from typing import Any

from kit.errors import KitError, show_in_notebooks

show_in_notebooks()  # in a Jupyter kernel: a KitError is two lines, not a traceback

# name -> module holding it
_LAZY = {
    "Extract": "kit.load",
    "LoadReport": "kit.load",
    "read_extract": "kit.load",
    "Alert": "kit.profiling",
    "Profile": "kit.profiling",
    "profile": "kit.profiling",
    "Mapping": "kit.mapping",
    "Applied": "kit.mapping",
    "Finding": "kit.mapping",
    "apply_mapping": "kit.mapping",
    "lint": "kit.mapping",
    "Suggestions": "kit.suggestions",
    "suggest": "kit.suggestions",
    "Suites": "kit.expectations",
    "generate_suites": "kit.expectations",
    "Validation": "kit.validation",
    "validate": "kit.validation",
    "deep_report": "kit.ydata_report",
    "init_mapping": "kit.init",
    "Redactor": "kit.redact",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'kit' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    # Cached, so the next lookup does not come here. No module of the package is named like a public
    # function (``kit.profile()`` lives in ``kit.profiling``), so importing a submodule never shadows one.
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = ["KitError", *_LAZY]
__version__ = "0.1.0"
