"""The data-mapping kit: load, profile, map, expect, validate.

>>> import kit
>>> ex = kit.read_extract("sample_data/erp_customers.csv")
>>> ex.report.encoding
'utf-8'
"""

from kit.errors import KitError
from kit.load import Extract, LoadReport, read_extract

__all__ = ["Extract", "KitError", "LoadReport", "read_extract"]
__version__ = "0.1.0"
