"""The mapping for people who do not read YAML: a sign-off document (Markdown or HTML with a flow
diagram), a CSV for spreadsheet reviewers, and SSSOM TSV for tools that speak it.

Rendering only: everything comes from the ``Mapping`` (and, optionally, lint findings). Open
questions come first, because they are what a sign-off meeting is for.
"""

from __future__ import annotations

import csv
import io
import re

from kit.mapping.apply import neutralise
from kit.mapping.lint import Finding
from kit.mapping.spec import Mapping, Step, TargetField

STATUS_ORDER = {"open": 0, "proposed": 1, "rejected": 2, "approved": 3}
STATUS_COLOUR = {"open": "#b3261e", "proposed": "#b26a00", "rejected": "#6b6b6b", "approved": "#2f7d4f"}


def step_text(step: Step) -> str:
    """``truncate: 40``, ``value_map (4 values, unmapped: quarantine)``: short enough for a table cell."""
    p = step.params
    if p is None:
        return step.name
    if step.name == "value_map":
        return f"value_map ({len(step.args.map)} values, unmapped: {step.args.unmapped})"
    if isinstance(p, dict):
        return f"{step.name} " + ", ".join(f"{k}={v}" for k, v in p.items())
    if isinstance(p, list):
        return f"{step.name} {', '.join(map(str, p))}"
    return f"{step.name}: {p}"


def constraints(f: TargetField, allowed_sep: str = ", ") -> list[str]:
    """What the target requires of a field, as short phrases (type, required, unique, max length ...).

    >>> constraints(TargetField(type="string", required=True, max_length=40))
    ['string', 'required', 'max 40 chars']
    """
    parts = [
        f.type,
        "required" if f.required else "",
        "unique" if f.unique else "",
        f"max {f.max_length} {f.length_unit}" if f.max_length else "",
        f"allowed {allowed_sep.join(f.allowed)}" if f.allowed else "",
        f"pattern {f.pattern}" if f.pattern else "",
    ]
    return [x for x in parts if x]


def decisions(mapping: Mapping) -> list[dict[str, str]]:
    """One row per target field, open questions first, then in file order."""
    rows = []
    for i, (name, f) in enumerate(mapping.fields.items()):
        rows.append(
            {
                "target_field": name,
                "source_fields": ", ".join(f.from_),
                "steps": " → ".join(step_text(s) for s in f.steps),
                "constraints": ", ".join(constraints(f, allowed_sep="/")),
                "cardinality": f.cardinality or "",
                "source_of_truth": mapping.truth_for(name),
                "on_failure": mapping.failure_for(name),
                "status": f.status,
                "decided_by": f.decided_by or "",
                "decided_on": str(f.decided_on or ""),
                "confidence": "" if f.confidence is None else f"{f.confidence:.2f}",
                "why": " ".join((f.why or "").split()),
                "_order": f"{STATUS_ORDER[f.status]}-{i:04d}",
            }
        )
    rows.sort(key=lambda r: r["_order"])
    for r in rows:
        del r["_order"]
    return rows


TABLE_HEAD = (
    "target field",
    "from",
    "steps",
    "constraints",
    "source of truth",
    "on failure",
    "status",
    "decided",
    "why",
)


def table_cells(row: dict[str, str]) -> list[str]:
    """One decision as the cells of the sign-off table (the same columns in Markdown and HTML)."""
    decided = f"{row['decided_by']} {row['decided_on']}".strip()
    keys = ("target_field", "source_fields", "steps", "constraints", "source_of_truth", "on_failure", "status")
    return [*(row[k] for k in keys), decided, row["why"]]


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)


def no_maths(markdown: str) -> str:
    r"""``$`` escaped outside code spans: JupyterLab and GitHub read ``$...$`` as a formula, which turned a
    regex step ``^(\d{10})$`` into italic maths in the sign-off shown in a notebook.

    >>> print(no_maths(r"match ^(\d{10})$ in `a$b`"))
    match ^(\d{10})\$ in `a$b`
    """
    out, last = [], 0
    for m in _CODE_SPAN.finditer(markdown):
        out += [markdown[last : m.start()].replace("$", "\\$"), m.group(0)]
        last = m.end()
    out.append(markdown[last:].replace("$", "\\$"))
    return "".join(out)


def to_markdown(mapping: Mapping, findings: list[Finding] | None = None) -> str:
    """A sign-off document in Markdown.

    >>> print(to_markdown(Mapping.load("mappings/crm_to_erp.yaml")).splitlines()[0])
    # Mapping crm_to_erp (version 3): SalesCloud CRM → ERP customer master
    """
    m = mapping
    out = [
        f"# Mapping {m.name} (version {m.version}): {m.source.system} → {m.target.system}",
        "",
        "## Outcome",
        "",
        " ".join(m.outcome.split()),
        "",
        "## Systems",
        "",
        "| | system | extract | key | owner | notes |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for side, s in (("source", m.source), ("target", m.target)):
        out.append(
            f"| {side} | {_md_cell(s.system)} | {_md_cell(s.extract or '')} | {', '.join(s.key)} | "
            f"{_md_cell(s.owner or '')} | {_md_cell(' '.join((s.notes or '').split()))} |"
        )
    out += ["", f"Default source of truth: **{m.source_of_truth}**; rows that fail: **{m.on_failure}**.", ""]
    if m.dedup:
        out += [
            f"Duplicates: rows repeating {', '.join(m.dedup.key)} keep the {m.dedup.keep} one. {m.dedup.why or ''}",
            "",
        ]
    rows = decisions(m)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in STATUS_ORDER}
    out += [
        "## Decisions",
        "",
        ", ".join(f"{n} {s}" for s, n in counts.items() if n) + " (open questions first).",
        "",
        "| " + " | ".join(TABLE_HEAD) + " |",
        "| " + " | ".join("---" for _ in TABLE_HEAD) + " |",
    ]
    out += ["| " + " | ".join(_md_cell(x) for x in table_cells(r)) + " |" for r in rows]
    if m.unmapped_source:
        out += ["", "## Source fields not migrated", ""]
        out += [f"- **{k}**: {v}" for k, v in m.unmapped_source.items()]
    if m.target_only:
        out += ["", "## Target fields with no source", ""]
        out += [
            f"- **{k}**: {t.fill}{f' {t.value!r}' if t.value else ''}. {t.why or ''}" for k, t in m.target_only.items()
        ]
    if findings:
        out += ["", "## What the data says (kit check)", ""]
        out += [f"- {f.severity} `{f.code}` {f.field or ''}: {f.message}" for f in findings]
    return no_maths("\n".join(out) + "\n")


def to_csv(mapping: Mapping) -> str:
    """One row per target field, formula-safe for spreadsheets."""
    rows = decisions(mapping)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["target_field"], lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: neutralise(v) for k, v in r.items()})
    return buf.getvalue()


def to_sssom(mapping: Mapping) -> str:
    """SSSOM TSV: a metadata block (YAML in # comments), then one row per source→target field pair.

    Predicates: skos:exactMatch when the value passes unchanged, skos:closeMatch when steps transform
    it; rejected decisions are written with predicate_modifier Not.
    """
    m = mapping
    src, tgt = _prefix(m.source.system), _prefix(m.target.system)
    meta = [
        f"# mapping_set_id: https://example.org/mappings/{m.name}/v{m.version}",
        f"# mapping_set_version: '{m.version}'",
        f"# mapping_set_description: {' '.join(m.outcome.split())[:200]}",
        "# license: https://creativecommons.org/licenses/by/4.0/",
        "# curie_map:",
        f"#   {src}: https://example.org/{src}/",
        f"#   {tgt}: https://example.org/{tgt}/",
        "#   skos: http://www.w3.org/2004/02/skos/core#",
        "#   semapv: https://w3id.org/semapv/vocab/",
    ]
    cols = [
        "subject_id",
        "subject_label",
        "predicate_id",
        "predicate_modifier",
        "object_id",
        "object_label",
        "mapping_justification",
        "author_label",
        "mapping_date",
        "confidence",
        "comment",
    ]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    writer.writerow(cols)
    for name, f in m.fields.items():
        for s in f.from_:
            justification = "semapv:ManualMappingCuration"
            if f.status in ("open", "proposed") and f.suggestion is not None:
                justification = "semapv:LexicalMatching"
            writer.writerow(
                [
                    f"{src}:{s}",
                    s,
                    "skos:closeMatch" if f.steps else "skos:exactMatch",
                    "Not" if f.status == "rejected" else "",
                    f"{tgt}:{name}",
                    name,
                    justification,
                    f.decided_by or "",
                    str(f.decided_on or ""),
                    "" if f.confidence is None else f.confidence,
                    " ".join((f.why or "").split()),
                ]
            )
    return "\n".join(meta) + "\n" + buf.getvalue()


def _prefix(system: str) -> str:
    return "".join(ch for ch in system.lower().replace(" ", "_") if ch.isalnum() or ch == "_")[:30] or "system"
