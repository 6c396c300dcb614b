"""The data-mapping kit: load, profile, map, expect, validate.

>>> import kit
>>> ex = kit.read_extract("sample_data/erp_customers.csv")
>>> ex.report.encoding
'utf-8'
"""

from kit.errors import KitError
from kit.load import Extract, LoadReport, read_extract
from kit.mapping import Applied, Finding, Mapping, apply_mapping, lint
from kit.profile import Alert, Profile, profile
from kit.suggest import Suggestions, suggest


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
    "apply_mapping",
    "deep_report",
    "lint",
    "profile",
    "read_extract",
    "suggest",
]
__version__ = "0.1.0"
