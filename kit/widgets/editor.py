"""MappingEditor: decide field by field in the notebook; decisions go back to the mapping file.

No logic lives here beyond wiring: the editor edits a ``Mapping`` (pydantic model), asks ``kit`` for
the evidence (``preview_field`` on a sample, ``lint``, ``suggest``, the profile) and saves through
``Mapping.save()`` (atomic, comments kept, refuses when the file changed on disk).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w
import polars as pl
from ruamel.yaml import YAML

from kit.errors import KitError
from kit.extracts import RunInputs
from kit.load.report import Extract
from kit.mapping.apply import observed_values, preview_field
from kit.mapping.export import constraints
from kit.mapping.lint import lint
from kit.mapping.spec import ConflictError, Mapping, Step, TargetField, current_user
from kit.mapping.steps import STEPS
from kit.profiling import Profile, profile
from kit.render.editor import evidence_html, overview_html
from kit.suggestions import suggest

STATUSES = ["open", "proposed", "approved", "rejected"]
UNMAPPED = "(not mapped)"
SAMPLE_ROWS = 5_000
# The highlight the value map's head promises: an observed value nobody mapped yet.
UNMAPPED_STYLE = "<style>.kit-unmapped select{background:#fff3cd;border-color:#b26a00}</style>"


STEP_LABEL = 56  # characters a step's line in the list shows; its parameters in full when selected


def _step_label(i: int, step: Step) -> str:
    """A step's line in the steps list: short enough to read in the list (a value_map of forty codes
    was cut off mid-word); selecting it shows the parameters in full."""
    table = getattr(step.args, "table", None) if step.name == "value_map" else None
    if isinstance(table, dict):
        text = f"{len(table)} values -> {len(set(map(str, table.values())))} codes"
    else:
        text = _params_text(step)
    label = f"{i + 1}. {step.name} {text}".strip()
    return label if len(label) <= STEP_LABEL else label[: STEP_LABEL - 1] + "…"


def _params_text(step: Step) -> str:
    if step.params is None:
        return ""
    import io

    y = YAML(typ="safe")
    y.default_flow_style = True
    buf = io.StringIO()
    y.dump(step.params, buf)
    return buf.getvalue().strip().removesuffix("...").strip()


def _parse_params(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    try:
        return YAML(typ="safe").load(text)
    except Exception as exc:  # ruamel raises several types; the user sees one message
        raise KitError(f"step parameters are not valid YAML: {exc}") from None


def _field_label(name: str, status: str, findings: int) -> str:
    """A field's line in the field list: its name, its status, and how many warnings or errors it has
    (the list is the overview; a table beside it only repeated it)."""
    return f"{name} [{status}]" + (f" ⚠{findings}" if findings else "")


def _e(v: object) -> str:
    return html.escape(str(v))


def _text(fragment: str) -> str:
    """HTML for an ipywidgets HTML pane: its line height is the height of a control (28 px) unless set,
    which spreads two lines of text over a control's height."""
    return f"<div style='line-height:1.45'>{fragment}</div>"


class MappingEditor(w.VBox):
    """Edit ``mappings/<name>.yaml`` with its evidence beside each decision.

    ``source``/``target``: an Extract (evidence and previews) or a Profile (evidence only); by default
    the extracts named in the mapping are loaded, or read from ``artifacts`` (a ``kit run`` folder).
    """

    def __init__(
        self,
        mapping_path: str | Path,
        source: Extract | Profile | None = None,
        target: Extract | Profile | None = None,
        user: str | None = None,
        artifacts: str | Path | None = None,
    ) -> None:
        self.path = Path(mapping_path)
        self.mapping = Mapping.load(self.path)
        self.user = user or current_user()
        if artifacts is not None:  # what kit run loaded and profiled once
            inputs = RunInputs.load(artifacts)
            self.source_frame, self.source_profile = inputs.source.frame, inputs.source_profile
            self.target_frame = inputs.target.frame if inputs.target is not None else None
            self.target_profile = inputs.target_profile
        else:
            self.source_frame, self.source_profile = self._side(source, "source")
            self.target_frame, self.target_profile = self._side(target, "target")
        sample = self.source_frame.head(SAMPLE_ROWS) if self.source_frame is not None else None
        self.sample = sample
        self.suggestions = (
            suggest(self.source_profile, self.target_profile) if self.source_profile and self.target_profile else None
        )
        self._saved = {n: f.model_copy(deep=True) for n, f in self.mapping.fields.items()}
        self._loading = False
        self._build()
        super().__init__([self.header, self.body, self.manage])
        self._refresh_overview()
        if self.mapping.fields:
            self.select_field(self.field_order()[0])

    # -- data -----------------------------------------------------------------------------------
    def _side(self, given: Extract | Profile | None, side: str) -> tuple[pl.DataFrame | None, Profile | None]:
        if isinstance(given, Profile):
            return None, given
        if given is None:
            if not self.mapping.has_extract(side):
                return None, None
            given = self.mapping.load_extract(side)
        key = (self.mapping.source if side == "source" else self.mapping.target).key or None
        return given.frame, profile(given, key=[k for k in (key or []) if k in given.frame.columns] or None, near=False)

    @property
    def field(self) -> str | None:
        """The target field being edited."""
        return self.fields.value

    def findings(self, field: str | None = None) -> list:
        """Lint findings on the whole mapping (or one field) against the editor's sample."""
        if self.source_profile is None:
            return []
        found = lint(self.mapping, self.source_profile, self.target_profile, self.sample)
        return [f for f in found if field is None or f.field == field]

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        # A control fills its column less its margins (2 px a side); a button is as wide as its label (never cut).
        full, auto = {"width": "calc(100% - 6px)"}, {"width": "auto"}
        self.filter = w.ToggleButtons(
            options=["all", *STATUSES],
            value="all",
            tooltips=[f"show {s} fields" for s in ["all", *STATUSES]],
            style={"button_width": "auto"},
        )
        self.overview = w.HTML()
        self.fields = w.Select(options=[], rows=18, layout=w.Layout(**full))
        self.constraints = w.HTML()
        self.suggested = w.HTML()
        self.use_suggestion = w.Button(description="use top suggestion", icon="magic", layout=w.Layout(**auto))
        columns = self.source_profile.columns if self.source_profile else []
        self.sources = w.SelectMultiple(
            options=[c.name for c in columns], rows=5, description="from", layout=w.Layout(**full)
        )
        self.steps = w.Select(options=[], rows=5, description="steps", layout=w.Layout(**full))
        self.new_step = w.Dropdown(options=sorted(STEPS), description="add step", layout=w.Layout(**full))
        self.step_params = w.Text(
            description="params", placeholder="e.g. 40 or {length: 40, unit: bytes}", layout=w.Layout(**full)
        )
        self.add_step = w.Button(description="add", icon="plus", layout=w.Layout(**auto))
        self.remove_step = w.Button(description="remove", icon="trash", layout=w.Layout(**auto))
        self.step_up = w.Button(description="up", icon="arrow-up", layout=w.Layout(**auto))
        self.step_down = w.Button(description="down", icon="arrow-down", layout=w.Layout(**auto))
        self.set_params = w.Button(description="set params", icon="check", layout=w.Layout(**auto))
        self.cardinality = w.Text(
            description="cardinality", placeholder="2:1 billing wins, shipping fills gaps", layout=w.Layout(**full)
        )
        self.status = w.Dropdown(options=STATUSES, description="status", layout=w.Layout(**full))
        self.decided_by = w.Text(description="decided by", layout=w.Layout(**full))
        self.why = w.Textarea(description="why", layout=w.Layout(height="64px", **full))
        self.confidence = w.FloatSlider(
            min=0,
            max=1,
            step=0.05,
            description="confidence",
            style={"description_width": "120px"},
            layout=w.Layout(**full),
        )
        self.unmapped_policy = w.Dropdown(
            options=["quarantine", "null", "keep", "default"], description="unmapped", layout=w.Layout(**full)
        )
        self.value_grid = w.VBox()
        self.evidence = w.HTML()
        self.undo = w.Button(description="undo field", icon="undo", layout=w.Layout(**auto))
        self.save = w.Button(description="save", icon="save", button_style="primary", layout=w.Layout(**auto))
        self.reload = w.Button(description="reload", icon="refresh", layout=w.Layout(**auto))
        self.message = w.HTML(layout=w.Layout(max_height="120px", overflow="auto"))
        # Managing the field list: add, remove, fill without a source, leave a source column behind, accept.
        self.new_field = w.Text(placeholder="new target field", layout=w.Layout(width="200px"))
        self.add_field_button = w.Button(description="add field", icon="plus", layout=w.Layout(**auto))
        self.remove_field_button = w.Button(description="remove field", icon="trash", layout=w.Layout(**auto))
        self.fill = w.Dropdown(options=["default", "constant", "lookup", "system"], description="fill")
        self.fill_value = w.Text(placeholder="value (default, constant)", layout=w.Layout(width="200px"))
        self.to_target_only = w.Button(description="target only", icon="arrow-right", layout=w.Layout(**auto))
        self.target_only = w.Dropdown(options=sorted(self.mapping.target_only), description="target only")
        self.back_to_fields = w.Button(description="back to fields", icon="arrow-left", layout=w.Layout(**auto))
        self.unused = w.Dropdown(options=[], description="source")
        self.unused_reason = w.Text(placeholder="why it is not migrated", layout=w.Layout(width="260px"))
        self.not_migrated = w.Button(description="not migrated", icon="ban", layout=w.Layout(**auto))
        self.min_score = w.FloatSlider(min=0, max=1, step=0.05, value=0.8, description="min score")
        self.accept = w.Button(description="accept proposed", icon="check-double", layout=w.Layout(**auto))
        wrap = {"flex_flow": "row wrap", "align_items": "center"}
        self.manage = w.Accordion(
            [
                w.VBox(
                    [
                        w.HBox(
                            [self.new_field, self.add_field_button, self.remove_field_button], layout=w.Layout(**wrap)
                        ),
                        w.HBox([self.fill, self.fill_value, self.to_target_only], layout=w.Layout(**wrap)),
                        w.HBox([self.target_only, self.back_to_fields], layout=w.Layout(**wrap)),
                        w.HBox([self.unused, self.unused_reason, self.not_migrated], layout=w.Layout(**wrap)),
                        w.HBox([self.min_score, self.accept], layout=w.Layout(**wrap)),
                    ]
                )
            ],
            titles=("manage fields: add, remove, fill without a source, leave a source column, accept proposed",),
            selected_index=None,
        )
        self.header = w.VBox(
            [
                w.HTML(_text(f"<b>{_e(self.mapping.name)}</b>: {_e(' '.join(self.mapping.outcome.split()))}")),
                w.HBox([self.filter, self.undo, self.save, self.reload], layout=w.Layout(**wrap)),
                self.message,
            ]
        )
        # Three columns on one screen (1280x800): the field list, the decision, and the evidence in its own
        # scroll box, so the list, save and the evidence stay in view while a field is edited; below a
        # width they wrap under one another.
        height = "470px"
        field_list = w.VBox(
            [self.fields, self.overview], layout=w.Layout(flex="0 0 240px", width="240px", margin="0 10px 0 0")
        )
        decision = w.VBox(
            [
                # The decision first (what a reviewer changes most), then how the field is made.
                self.constraints,
                self.status,
                self.why,
                self.decided_by,
                self.confidence,
                self.suggested,
                self.use_suggestion,
                self.sources,
                self.steps,
                self.new_step,
                self.step_params,
                w.HBox(
                    [self.add_step, self.remove_step, self.step_up, self.step_down, self.set_params],
                    layout=w.Layout(**wrap),
                ),
                self.cardinality,
                self.unmapped_policy,
                self.value_grid,
            ],
            layout=w.Layout(
                flex="1 1 320px", min_width="280px", max_height=height, overflow_y="auto", margin="0 10px 0 0"
            ),
        )
        evidence = w.VBox(
            [self.evidence], layout=w.Layout(flex="1 1 260px", min_width="240px", max_height=height, overflow="auto")
        )
        for column in (field_list, decision, evidence):
            for child in column.children:  # a column taller than its box scrolls; its controls never shrink
                child.layout.flex = "0 0 auto"
        self.body = w.HBox([field_list, decision, evidence], layout=w.Layout(flex_flow="row wrap", width="100%"))
        self.filter.observe(lambda _: self._refresh_overview(), "value")
        self.fields.observe(lambda ch: ch["new"] and self.select_field(ch["new"]), "value")
        for control in (
            self.sources,
            self.cardinality,
            self.status,
            self.decided_by,
            self.why,
            self.confidence,
            self.unmapped_policy,
        ):
            control.observe(self._on_edit, "value")
        self.steps.observe(lambda _: self._show_step(), "value")
        self.add_step.on_click(lambda _: self._step_action("add"))
        self.remove_step.on_click(lambda _: self._step_action("remove"))
        self.step_up.on_click(lambda _: self._step_action("up"))
        self.step_down.on_click(lambda _: self._step_action("down"))
        self.set_params.on_click(lambda _: self._step_action("params"))
        self.use_suggestion.on_click(lambda _: self._use_suggestion())
        self.undo.on_click(lambda _: self.undo_field())
        self.save.on_click(lambda _: self.save_file())
        self.reload.on_click(lambda _: self.reload_file())
        self.add_field_button.on_click(lambda _: self.add_field(self.new_field.value))
        self.remove_field_button.on_click(lambda _: self.remove_field())
        self.to_target_only.on_click(lambda _: self.move_to_target_only(self.fill.value, self.fill_value.value))
        self.back_to_fields.on_click(lambda _: self.target_only.value and self.move_to_fields(self.target_only.value))
        self.not_migrated.on_click(lambda _: self.leave_unmapped(self.unused.value, self.unused_reason.value))
        self.accept.on_click(lambda _: self.accept_proposed(self.min_score.value))

    # -- the field list ---------------------------------------------------------------------------
    def field_order(self) -> list[str]:
        """Target fields as the editor lists them: the questions first (open, then proposed), each group in
        file order."""
        rank = {"open": 0, "proposed": 1}
        return sorted(self.mapping.fields, key=lambda n: rank.get(self.mapping.fields[n].status, 2))

    def _after_list_change(self, select: str | None, said: str) -> None:
        self.target_only.options = sorted(self.mapping.target_only)
        self._refresh_overview()
        if select in self.mapping.fields:
            self.select_field(select)
        self._say(said)

    def _guard(self, action: Callable[[], str]) -> bool:
        try:
            said = action()
        except KitError as exc:
            self._say(_e(exc), error=True)
            return False
        self._after_list_change(self.field if self.field in self.mapping.fields else None, said)
        return True

    def add_field(self, name: str) -> bool:
        """Add a target field (an open decision); it becomes the field being edited."""
        name = name.strip()
        said = f"added {_e(name)}: an open decision until a source is chosen"
        if not self._guard(lambda: (self.mapping.add_field(name), said)[1]):
            return False
        self.new_field.value = ""
        self.select_field(name)
        return True

    def remove_field(self) -> bool:
        """Remove the field being edited (and its decision)."""
        name = self.field
        return name is not None and self._guard(lambda: (self.mapping.remove_field(name), f"removed {_e(name)}")[1])

    def move_to_target_only(self, fill: str, value: str = "") -> bool:
        """The field being edited is filled without a source (default, constant, lookup or the system)."""
        name = self.field
        if name is None:
            return False
        return self._guard(
            lambda: (self.mapping.move_to_target_only(name, fill, value or None), f"{_e(name)}: filled by {fill}")[1]
        )

    def move_to_fields(self, name: str) -> bool:
        """A ``target_only`` field back among the mapped fields, as an open decision."""
        return self._guard(lambda: (self.mapping.move_to_fields(name), f"{_e(name)}: back among the fields")[1])

    def leave_unmapped(self, column: str | None, reason: str) -> bool:
        """Record that a source column is deliberately not migrated, and why."""
        if not column:
            return False
        return self._guard(lambda: (self.mapping.leave_unmapped(column, reason), f"{_e(column)}: not migrated")[1])

    def accept_proposed(self, min_score: float) -> list[str]:
        """Approve, as the current user, every proposed field whose suggestion scored at least ``min_score``."""
        accepted: list[str] = []

        def act() -> str:
            accepted.extend(self.mapping.accept_proposed(min_score, self.user))
            return (
                f"approved {len(accepted)} proposed fields scoring {min_score:.2f} or more: {_e(', '.join(accepted))}"
            )

        self._guard(act)
        return accepted

    # -- overview -------------------------------------------------------------------------------
    def _refresh_overview(self) -> None:
        counts: dict[str, int] = {}
        for f in self.findings():
            if f.field:
                counts[f.field] = counts.get(f.field, 0) + (f.severity != "info")
        shown = [n for n in self.field_order() if self.filter.value in ("all", self.mapping.fields[n].status)]
        self.overview.value = overview_html(self.mapping, shown, counts)
        used = {c for f in self.mapping.fields.values() for c in f.from_} | set(self.mapping.unmapped_source)
        self.unused.options = (
            [c.name for c in self.source_profile.columns if c.name not in used] if (self.source_profile) else []
        )
        current = self.fields.value
        self._loading = True
        self.fields.options = [(_field_label(n, self.mapping.fields[n].status, counts.get(n, 0)), n) for n in shown]
        self.fields.value = current if current in shown else None
        self._loading = False

    # -- one field ------------------------------------------------------------------------------
    def select_field(self, name: str) -> None:
        """Show a target field's decision, steps and evidence."""
        if name not in self.mapping.fields:
            raise KitError(f"no field {name!r} in {self.path}")
        self._loading = True
        try:
            if self.fields.value != name:
                if name not in dict((v, v) for _, v in self.fields.options):
                    self.filter.value = "all"
                self.fields.value = name
            f = self.mapping.fields[name]
            self.sources.value = tuple(c for c in f.from_ if c in self.sources.options)
            self.cardinality.value = f.cardinality or ""
            self.status.value = f.status
            self.decided_by.value = f.decided_by or ""
            self.why.value = " ".join((f.why or "").split())
            self.confidence.value = f.confidence if f.confidence is not None else 0.0
            # No confidence given: the slider says so instead of showing 0.00 (and saves nothing until moved).
            self.confidence.readout = f.confidence is not None
            self.confidence.description = "confidence" if f.confidence is not None else "confidence (none)"
            vm = self.mapping.value_map_step(name)
            self.unmapped_policy.value = vm.args.unmapped if vm else "quarantine"
            self._show_steps()
            self._show_constraints(name, f)
        finally:
            self._loading = False
        self._refresh_evidence()

    def _show_constraints(self, name: str, f: TargetField) -> None:
        self.constraints.value = _text(f"<b>{_e(name)}</b> requires: {_e(', '.join(constraints(f)))}")
        cands = []
        if self.suggestions:
            target = next((t for t in self.suggestions.targets if t.target == name), None)
            cands = target.candidates[:4] if target else []
        self.suggested.value = _text(
            "suggested: "
            + (
                ", ".join(
                    f"{_e(c.source)} ({c.score:.2f}: name {c.evidence['name']:.2f}, values {c.evidence['values']:.2f})"
                    for c in cands
                )
                or "none"
            )
        )

    def _show_steps(self) -> None:
        f = self.mapping.fields[self.field]
        self.steps.options = [(_step_label(i, s), i) for i, s in enumerate(f.steps)]
        self.steps.value = None
        self._show_value_grid()

    def _show_step(self) -> None:
        if self.steps.value is None or self.field is None:
            return
        step = self.mapping.fields[self.field].steps[self.steps.value]
        self.step_params.value = _params_text(step)

    def _show_value_grid(self) -> None:
        f = self.mapping.fields[self.field]
        vm = self.mapping.value_map_step(self.field)
        # What to do with values the map does not cover means nothing to a field without a map.
        self.unmapped_policy.layout.display = None if vm is not None else "none"
        if vm is None or self.source_frame is None or len(f.from_) != 1:
            self.value_grid.children = []
            return
        table = vm.args.table
        choices = [UNMAPPED, *(f.allowed or sorted(set(table.values())))]
        rows = []
        for value, n in observed_values(self.source_frame, f.from_[0], limit=60):
            current = table.get(vm.args.fold(value), UNMAPPED)
            dd = w.Dropdown(
                options=choices if current in choices else [*choices, current],
                value=current,
                description=f"{value!r} ({n:,})",
                description_allow_html=False,
                style={"description_width": "45%"},
                layout=w.Layout(width="calc(100% - 6px)"),
            )
            if current == UNMAPPED:
                dd.add_class("kit-unmapped")
            dd.observe(lambda ch, v=value: self.set_value_map(v, ch["new"]), "value")
            rows.append(dd)
        head = w.HTML(
            _text(
                f"{UNMAPPED_STYLE}<b>value map</b> for {_e(f.from_[0])}: {sum(r.value == UNMAPPED for r in rows)} "
                "observed values not mapped (highlighted)"
            )
        )
        self.value_grid.children = [head, *rows]

    # -- edits ----------------------------------------------------------------------------------
    def _on_edit(self, change: dict) -> None:
        if self._loading or self.field is None:
            return
        f = self.mapping.fields[self.field]
        owner = change["owner"]
        if owner is self.sources:
            f.from_ = list(self.sources.value)
        elif owner is self.cardinality:
            f.cardinality = self.cardinality.value or None
        elif owner is self.status:
            f.status = self.status.value
            if not f.decided_by and not self.decided_by.value:
                self.decided_by.value = self.user
            if f.status == "approved":
                errors = [x for x in self.findings(self.field) if x.severity == "error"]
                if errors:  # allowed (a person may accept the quarantine), never without a word
                    codes = ", ".join(sorted({x.code for x in errors}))
                    self._say(
                        f"approved while its evidence shows {len(errors)} error finding(s) ({codes}): say in "
                        "'why' what happens to those rows",
                        error=True,
                    )
        elif owner is self.decided_by:
            f.decided_by = self.decided_by.value or None
        elif owner is self.why:
            f.why = self.why.value or None
        elif owner is self.confidence:
            f.confidence = round(float(self.confidence.value), 2)
            self.confidence.readout, self.confidence.description = True, "confidence"
        elif owner is self.unmapped_policy:
            if self.mapping.value_map_step(self.field) is not None:
                self.mapping.set_unmapped(self.field, self.unmapped_policy.value)
            self._show_steps()
        self._refresh_evidence()

    def set_value_map(self, source_value: str, target_value: str) -> None:
        """Map one observed source value (or unmap it with ``UNMAPPED``) in the field's value_map."""
        if self.mapping.value_map_step(self.field) is None:
            return
        self.mapping.set_value_map(self.field, source_value, None if target_value == UNMAPPED else target_value)
        self._show_steps()
        self._refresh_evidence()

    def _step_action(self, action: str) -> None:
        if self.field is None:
            return
        f = self.mapping.fields[self.field]
        steps = list(f.steps)
        i = self.steps.value
        try:
            if action == "add":
                steps.append(Step(name=self.new_step.value, params=_parse_params(self.step_params.value)))
                i = len(steps) - 1
            elif i is None:
                self._say("select a step first", error=True)
                return
            elif action == "remove":
                steps.pop(i)
                i = None
            elif action == "up" and i > 0:
                steps[i - 1], steps[i] = steps[i], steps[i - 1]
                i -= 1
            elif action == "down" and i < len(steps) - 1:
                steps[i + 1], steps[i] = steps[i], steps[i + 1]
                i += 1
            elif action == "params":
                steps[i] = Step(name=steps[i].name, params=_parse_params(self.step_params.value))
        except KitError as exc:
            self._say(str(exc), error=True)
            return
        f.steps = steps
        self._show_steps()
        self.steps.value = i
        self._refresh_evidence()

    def _use_suggestion(self) -> None:
        if not self.suggestions or self.field is None:
            return
        target = next((t for t in self.suggestions.targets if t.target == self.field), None)
        if target and target.candidates:
            self.sources.value = (target.candidates[0].source,)

    def undo_field(self) -> None:
        """Back to the field as it was at load or last save."""
        if self.field is None:
            return
        self.mapping.fields[self.field] = self._saved[self.field].model_copy(deep=True)
        self.select_field(self.field)
        self._refresh_overview()
        self._say(f"{_e(self.field)}: unsaved edits undone")

    # -- evidence -------------------------------------------------------------------------------
    def _refresh_evidence(self) -> None:
        name = self.field
        if name is None:
            return
        f = self.mapping.fields[name]
        columns = []
        if self.source_profile is not None:
            by_name = {c.name: c for c in self.source_profile.columns}
            columns = [(col, by_name.get(col)) for col in f.from_]
        preview, error = None, None
        if self.sample is not None and f.from_:
            try:
                preview = preview_field(self.mapping, name, self.sample)
            except KitError as exc:
                error = str(exc)
        self.evidence.value = evidence_html(columns, preview, error, self.findings(name))

    # -- files ----------------------------------------------------------------------------------
    def _say(self, text: str, error: bool = False) -> None:
        colour = "#b3261e" if error else "#2f7d4f"
        self.message.value = f"<div style='color:{colour}'>{text}</div>"

    def save_file(self) -> bool:
        """Stamp changed decisions, save atomically, show the diff; refuse if the file changed on disk."""
        self.mapping.stamp(self._saved, self.user)
        diff = self.mapping.diff()
        try:
            self.mapping.save()
        except ConflictError as exc:
            self._say(
                f"{_e(exc)} Press reload to see the other change; your unsaved edits are lost on reload.", error=True
            )
            return False
        self._saved = {n: f.model_copy(deep=True) for n, f in self.mapping.fields.items()}
        self._refresh_overview()
        shown = _e(diff) if diff else "no change"
        self._say(f"saved {_e(self.path)}<pre>{shown}</pre>")
        return True

    def reload_file(self) -> None:
        """Read the mapping file again (after a conflict or someone else's change)."""
        current = self.field
        self.mapping = Mapping.load(self.path)
        self._saved = {n: f.model_copy(deep=True) for n, f in self.mapping.fields.items()}
        self._refresh_overview()
        if current in self.mapping.fields:
            self.select_field(current)
        self._say(f"reloaded {_e(self.path)}")
