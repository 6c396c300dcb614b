"""``kit.profile`` and ``kit.validate`` are both modules and their main functions.

Importing a submodule rebinds ``kit.profile`` on the package to the module, so ``kit.profile(extract)``
would stop working after ``import kit.profile.measures``; making the module callable keeps it working.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any


def make_callable(module_name: str, fn: Callable[..., Any]) -> None:
    """Calling module ``module_name`` calls ``fn``.

    >>> import kit.profile
    >>> callable(sys.modules["kit.profile"])
    True
    """

    class CallableModule(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return fn(*args, **kwargs)

    sys.modules[module_name].__class__ = CallableModule
