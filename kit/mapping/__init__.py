"""Mapping as code: the decision file (spec), the step vocabulary (steps), apply with quarantine (apply),
lint against the data (lint) and sign-off exports (export)."""

from kit.mapping.apply import Applied, apply_mapping
from kit.mapping.lint import Finding, lint
from kit.mapping.spec import Mapping, MappingError
from kit.mapping.steps import STEPS, register_step

__all__ = ["STEPS", "Applied", "Finding", "Mapping", "MappingError", "apply_mapping", "lint", "register_step"]
