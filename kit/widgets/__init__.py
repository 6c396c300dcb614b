"""ipywidgets front ends that call kit functions and render their results; no logic of their own."""

from kit.widgets.editor import MappingEditor

__all__ = ["MappingEditor"]
