"""The data-mapping kit: load, profile, map, expect, validate.

>>> import kit
>>> ex = kit.read_extract("sample_data/erp_customers.csv")
>>> ex.report.encoding
'utf-8'
"""

from kit.errors import KitError
from kit.expectations import Suites, generate_suites
from kit.load import Extract, LoadReport, read_extract
from kit.mapping import Applied, Finding, Mapping, apply_mapping, lint
from kit.profile import Alert, Profile, profile
from kit.suggest import Suggestions, suggest
from kit.validate import Validation, validate  # the function shadows the module name, on purpose


def deep_report(*args, **kwargs):
    """ydata-profiling report of one extract; imported on first use so ``import kit`` stays fast."""
    from kit.deep_report import deep_report as run

    return run(*args, **kwargs)


__all__ = [
    "Alert",
    "Applied",
    "Extract",
    "Finding",
    "KitError",
    "LoadReport",
    "Mapping",
    "Profile",
    "Suggestions",
    "Suites",
    "Validation",
    "apply_mapping",
    "deep_report",
    "generate_suites",
    "lint",
    "profile",
    "read_extract",
    "suggest",
    "validate",
]
__version__ = "0.1.0"
