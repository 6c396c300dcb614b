"""The data-mapping kit: load, profile, map, expect, validate.

>>> import kit
>>> ex = kit.read_extract("sample_data/erp_customers.csv")
>>> ex.report.encoding
'utf-8'
"""

from kit.errors import KitError
from kit.load import Extract, LoadReport, read_extract
from kit.profile import Alert, Profile, profile


def deep_report(*args, **kwargs):
    """ydata-profiling report of one extract; imported on first use so ``import kit`` stays fast."""
    from kit.deep_report import deep_report as run

    return run(*args, **kwargs)


__all__ = ["Alert", "Extract", "KitError", "LoadReport", "Profile", "deep_report", "profile", "read_extract"]
__version__ = "0.1.0"
