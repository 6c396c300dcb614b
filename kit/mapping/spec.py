"""The mapping file: one YAML document per source→target entity pair, the contract of the integration.

Loaded with ruamel.yaml in round-trip mode (comments, key order and quoting survive) and validated
by pydantic; errors name the file, the line and the field. Nothing in the file is ever evaluated:
explicit YAML tags (``!!python/...`` or any other) are refused. ``Mapping.save()`` writes through a
temporary file and a rename, writes the original bytes back when nothing changed, and otherwise
changes only the keys whose values changed, in place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from kit.errors import KitError
from kit.files import read_text, write_atomic
from kit.load.report import Extract
from kit.mapping.steps import check_regex, parse_params

# Bounds on what a mapping file may make the parser build: a mapping of a few hundred fields is a
# few thousand nodes; an alias bomb (anchors referring to anchors) is billions once expanded.
MAX_YAML_BYTES = 5_000_000
MAX_YAML_NODES = 200_000  # counted with every alias expanded
MAX_YAML_DEPTH = 64
MAX_YAML_ALIASES = 1_000

STATUSES = ("open", "proposed", "approved", "rejected")
TYPES = ("string", "integer", "decimal", "boolean", "date", "datetime")
FAILURE_POLICIES = ("quarantine", "reject_to_source", "default_and_flag")
TRUTH = ("source", "target", "both")


class MappingError(KitError):
    """A mapping file that cannot be read or does not follow the format; names file, line and field."""


class ConflictError(MappingError):
    """The mapping file changed on disk since it was loaded; saving would overwrite someone's decision."""


def current_user() -> str:
    """Who is deciding: git's user.name, else the operating-system user."""
    import getpass
    import subprocess

    try:
        name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Database(_Model):
    """A side read from a database: a URL (a password only through ``${NAME}``) and a table or a query."""

    url: str
    table: str | None = None
    query: str | None = None
    timeout: float | None = None  # seconds a statement may run

    @model_validator(mode="after")
    def _one_of(self) -> Database:
        from kit.load.database import is_database_url

        if (self.table is None) == (self.query is None):
            raise ValueError("give a table or a query (one of them)")
        if not is_database_url(self.url) and not self.url.startswith("${"):
            raise ValueError("url is a database URL (postgresql://, sqlite:///, duckdb:///) or ${VARIABLE}")
        return self


class System(_Model):
    """One side of the integration."""

    system: str
    extract: str | None = None  # path relative to the mapping file
    database: Database | None = None  # or a table or query of a database
    key: list[str] = Field(default_factory=list)
    owner: str | None = None
    notes: str | None = None  # how the extract was obtained (API, export, query) and its limits
    code_page: str | None = None  # the encoding the system stores text in
    load: dict[str, Any] = Field(default_factory=dict)  # read_extract options (encoding, delimiter ...)

    @field_validator("key", mode="before")
    @classmethod
    def _one_key(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class Suggestion(_Model):
    """Where a drafted decision came from: the suggestion method and its score."""

    method: str
    score: float


class Step(_Model):
    """One transform step: its name and parameters as written (``- strip`` or ``- truncate: {length: 40}``),
    and ``args``, the parameters parsed into the step's model when the file is loaded (or ``params``
    is assigned), so every consumer reads typed attributes and a bad parameter is a file:line error.

    >>> Step.model_validate({"truncate": 40}).args.length
    40
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True)

    name: str
    params: Any = None
    _args: Any = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _written(cls, raw: Any) -> Any:
        if isinstance(raw, str):
            return {"name": raw}
        if isinstance(raw, dict) and len(raw) == 1 and "name" not in raw:
            ((name, params),) = raw.items()
            return {"name": str(name), "params": params}
        if isinstance(raw, (dict, Step)):
            return raw
        raise ValueError(f"a step is a name or a one-key mapping {{name: parameters}}, not {raw!r}")

    @model_validator(mode="after")
    def _parsed(self) -> Step:
        self._args = parse_params(self.name, self.params)
        return self

    @property
    def args(self) -> Any:
        """The typed parameters (a ``kit.mapping.steps.Params`` model; as written for a project's own
        step registered without one)."""
        return self._args


class TargetField(_Model):
    """A target field: what system B requires, where the value comes from, and the decision's provenance."""

    type: Literal["string", "integer", "decimal", "boolean", "date", "datetime"] = "string"
    required: bool = False
    unique: bool = False
    max_length: int | None = None
    length_unit: Literal["chars", "bytes"] = "chars"
    scale: int | None = None  # decimals: digits after the point
    allowed: list[str] | None = None
    pattern: str | None = None
    code_page: str | None = None
    from_: list[str] = Field(default_factory=list, alias="from")
    steps: list[Step] = Field(default_factory=list)
    cardinality: str | None = None  # how several source fields or rows meet this field
    source_of_truth: Literal["source", "target", "both"] | None = None
    on_failure: Literal["quarantine", "reject_to_source", "default_and_flag"] | None = None
    default: str | None = None  # with on_failure: default_and_flag
    status: Literal["open", "proposed", "approved", "rejected"] = "open"
    decided_by: str | None = None
    decided_on: dt.date | None = None
    reviewed_by: str | None = None
    why: str | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)
    suggestion: Suggestion | None = None
    notes: str | None = None
    # The constraints above that the target database enforces (read from its catalog), as opposed to
    # what was seen in its data: e.g. [required, max_length, allowed].
    catalog: list[str] | None = None

    @field_validator("pattern")
    @classmethod
    def _bounded_pattern(cls, v: str | None) -> str | None:
        return None if v is None else check_regex(v)

    @field_validator("from_", mode="before")
    @classmethod
    def _one_source(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("steps", mode="before")
    @classmethod
    def _steps(cls, v: Any) -> Any:
        return list(v or [])


class TargetOnly(_Model):
    """A target field no source feeds, and how it is filled."""

    fill: Literal["default", "constant", "lookup", "system"]
    value: str | None = None
    why: str | None = None


class Dedup(_Model):
    """An explicit, counted rule dropping source rows that repeat a key (the first or last one is kept)."""

    key: list[str]
    keep: Literal["first", "last"] = "first"
    why: str | None = None


class Mapping(_Model):
    """A mapping file. ``Mapping.load(path)``, edit, ``mapping.save()``.

    >>> m = Mapping.load("mappings/crm_to_erp.yaml")
    >>> m.fields["status_code"].from_
    ['status']
    """

    name: str
    version: int | str = 1
    outcome: str
    source: System
    target: System
    source_of_truth: Literal["source", "target", "both"] = "source"
    on_failure: Literal["quarantine", "reject_to_source", "default_and_flag"] = "quarantine"
    dedup: Dedup | None = None
    fields: dict[str, TargetField]
    unmapped_source: dict[str, str] = Field(default_factory=dict)
    target_only: dict[str, TargetOnly] = Field(default_factory=dict)

    # Not part of the file: where it came from and what it said, for line numbers and byte-exact saves.
    _path: Path | None = None
    _doc: Any = None
    _text: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Mapping:
        for name, f in self.fields.items():
            if f.on_failure == "default_and_flag" and f.default is None:
                raise ValueError(f"fields.{name}: on_failure default_and_flag needs a default")
        clash = set(self.fields) & set(self.target_only)
        if clash:
            raise ValueError(f"target_only: {sorted(clash)} are also in fields")
        return self

    # -- effective decisions --------------------------------------------------------------------
    def truth_for(self, field: str) -> str:
        """Which system is the source of truth for a field (the field's own, else the mapping's)."""
        return self.fields[field].source_of_truth or self.source_of_truth

    def failure_for(self, field: str) -> str:
        """What happens to a row that fails a field (the field's own policy, else the mapping's)."""
        return self.fields[field].on_failure or self.on_failure

    # -- edits (what the editor, notebooks and scripts change) -------------------------------------
    def value_map_step(self, field: str) -> Step | None:
        """The field's value_map step, if it has one."""
        return next((s for s in self.fields[field].steps if s.name == "value_map"), None)

    def set_value_map(self, field: str, source_value: str, target_value: str | None) -> None:
        """Map one source value to ``target_value`` in the field's value_map (``None`` unmaps it). With
        ``case_insensitive``, every spelling that folds to the same key is replaced by this one.

        >>> m = Mapping.load("mappings/crm_to_erp.yaml")
        >>> m.set_value_map("status_code", "Dormant", "INA")  # the map is case-insensitive: keys fold
        >>> m.value_map_step("status_code").args.map["dormant"]
        'INA'
        """
        step = self._value_map(field)
        params = dict(step.params) if isinstance(step.params, dict) else {}
        key = step.args.fold(source_value)
        table = {k: v for k, v in step.args.map.items() if step.args.fold(k) != key}
        if target_value is not None:
            table[key] = target_value
        params["map"] = table
        step.params = params  # validated again: ``args`` follows
        self.fields[field].steps = list(self.fields[field].steps)  # marks the list as set for saving

    def set_unmapped(self, field: str, policy: str) -> None:
        """What the field's value_map does with a value it has no translation for."""
        step = self._value_map(field)
        step.params = {**(step.params if isinstance(step.params, dict) else {}), "unmapped": policy}
        self.fields[field].steps = list(self.fields[field].steps)

    def _value_map(self, field: str) -> Step:
        step = self.value_map_step(field)
        if step is None:
            raise MappingError(f"{self.where('fields', field)}: field {field!r} has no value_map step")
        return step

    def add_field(self, name: str, **constraints: Any) -> TargetField:
        """A new target field (``type``, ``required``, ``max_length`` ...), an open decision until a
        source is chosen; a ``MappingError`` when the name is taken.

        >>> m = Mapping.load("mappings/crm_to_erp.yaml")
        >>> m.add_field("segment", max_length=10).status
        'open'
        """
        name = name.strip()
        if not name or name in self.fields or name in self.target_only:
            raise MappingError(f"{self.where('fields')}: target field {name!r} is empty or exists already")
        self.fields = {**self.fields, name: TargetField.model_validate({"status": "open", **constraints})}
        return self.fields[name]

    def remove_field(self, name: str) -> None:
        """Drop a target field and its decision (the diff shows it)."""
        self._field(name)
        self.fields = {n: f for n, f in self.fields.items() if n != name}

    def move_to_target_only(self, name: str, fill: str, value: str | None = None, why: str | None = None) -> None:
        """The target field is filled without a source (``default``, ``constant``, ``lookup`` or ``system``)."""
        self._field(name)
        only = TargetOnly(fill=fill, value=value, why=why)
        self.fields = {n: f for n, f in self.fields.items() if n != name}
        self.target_only = {**self.target_only, name: only}

    def move_to_fields(self, name: str) -> TargetField:
        """Back from ``target_only``: an open decision again, fed by a source to be chosen."""
        if name not in self.target_only:
            raise MappingError(f"{self.where('target_only')}: {name!r} is not in target_only")
        self.target_only = {n: t for n, t in self.target_only.items() if n != name}
        return self.add_field(name)

    def leave_unmapped(self, column: str, reason: str) -> None:
        """A source column deliberately not migrated, with the reason (``unmapped_source``)."""
        if not reason.strip():
            raise MappingError(f"{self.where('unmapped_source')}: say why {column!r} is not migrated")
        self.unmapped_source = {**self.unmapped_source, column: reason.strip()}

    def accept_proposed(self, min_score: float, user: str, today: dt.date | None = None) -> list[str]:
        """Approve, as ``user``, every proposed field fed by a source whose suggestion scored at least
        ``min_score``; the fields approved (one change, one diff)."""
        accepted = []
        for name, f in self.fields.items():
            score = f.suggestion.score if f.suggestion else f.confidence
            if f.status == "proposed" and f.from_ and score is not None and score >= min_score:
                f.status, f.decided_by, f.decided_on = "approved", user, today or dt.date.today()
                accepted.append(name)
        return accepted

    def _field(self, name: str) -> TargetField:
        if name not in self.fields:
            raise MappingError(f"{self.where('fields')}: no target field {name!r}")
        return self.fields[name]

    def stamp(self, before: dict[str, TargetField], user: str, today: dt.date | None = None) -> list[str]:
        """Date (and, where nobody is named yet, attribute to ``user``) every field decision that differs
        from ``before`` (copies taken when the file was loaded or last saved); the fields stamped."""
        stamped = []
        for name, f in self.fields.items():
            old = before.get(name)
            if old is None or f.model_dump() != old.model_dump():
                f.decided_on = today or dt.date.today()
                if not f.decided_by:
                    f.decided_by = user
                stamped.append(name)
        return stamped

    @property
    def path(self) -> Path | None:
        """The file the mapping was loaded from or last saved to."""
        return self._path

    def resolve(self, relative: str | None) -> Path | None:
        """A path written in the file, relative to the file's folder."""
        if relative is None:
            return None
        base = self._path.parent if self._path else Path.cwd()
        return (base / relative).resolve()

    def extract_path(self, side: Literal["source", "target"]) -> Path | None:
        """Where the file says ``side``'s extract is (resolved against the mapping's folder), or None."""
        return self.resolve(self._system(side).extract)

    def has_extract(self, side: Literal["source", "target"]) -> bool:
        """Whether ``side`` names an extract that exists on disk, or a database table or query."""
        if self._system(side).database is not None:
            return True
        path = self.extract_path(side)
        return path is not None and path.exists()

    def load_extract(self, side: Literal["source", "target"], path: str | Path | None = None) -> Extract:
        """``side``'s extract, read with the load options the file records (encoding, delimiter ...), so
        every run reads it the same way; ``path`` reads another extract of the same system instead.

        >>> Mapping.load("mappings/crm_to_erp.yaml").load_extract("target").report.rows_loaded > 0
        True
        """
        from kit.load import read_extract

        db = self._system(side).database
        if path is None and db is not None:
            from kit.load.database import DEFAULT_TIMEOUT, read_database

            return read_database(self.database_url(side), db.table, db.query, timeout=db.timeout or DEFAULT_TIMEOUT)
        where = path or self.extract_path(side)
        if where is None:
            raise MappingError(f"{self.where(side)}: {side} has no extract path")
        return read_extract(where, **self._system(side).load)

    def database_url(self, side: Literal["source", "target"]) -> str:
        """``side``'s database URL as connected to: ``${NAME}`` read from the environment, a SQLite or
        DuckDB file resolved against the mapping's folder (like ``extract:``)."""
        from kit.load.database import expand_env

        db = self._system(side).database
        if db is None:
            raise MappingError(f"{self.where(side)}: {side} is not read from a database")
        url = expand_env(db.url, self.where(side, "database", "url"))
        scheme, _, rest = url.partition(":///")
        if scheme in ("sqlite", "duckdb") and rest and not rest.startswith("/"):
            url = f"{scheme}:///{self.resolve(rest)}"
        return url

    def _system(self, side: str) -> System:
        if side not in ("source", "target"):
            raise MappingError(f"side is 'source' or 'target', not {side!r}")
        return self.source if side == "source" else self.target

    def line_of(self, *loc: str | int) -> int | None:
        """1-based line of a key in the file (e.g. ``line_of("fields", "status_code", "steps")``)."""
        return _line_of(self._doc, loc)

    def where(self, *loc: str | int) -> str:
        """``file:line`` for messages; the file alone when the line is unknown."""
        line = self.line_of(*loc)
        name = str(self._path) if self._path else self.name
        return f"{name}:{line}" if line else name

    # -- files ----------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> Mapping:
        """Read and validate a mapping file; a ``MappingError`` naming file, line and field otherwise."""
        path = Path(path)
        if path.suffix.lower() not in (".yaml", ".yml"):
            raise MappingError(
                f"{path}: not a mapping file (.yaml); to explore extracts give them as source_path and "
                "target_path, or draft a mapping from them with kit init"
            )
        missing = "no such mapping file; draft one with kit init SOURCE TARGET"
        return cls.loads(read_text(path, "mapping file", MappingError, missing), path)

    @classmethod
    def loads(cls, text: str, path: str | Path | None = None) -> Mapping:
        """A mapping from YAML text; ``path`` names it in errors and is where ``save()`` writes."""
        where = str(path) if path else "<mapping>"
        try:
            _check_bounds(text, where)
            doc = _yaml().load(text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = f":{mark.line + 1}" if mark else ""
            raise MappingError(f"{where}{line}: broken YAML: {exc.problem or exc.context}") from None
        except ReaderError as exc:  # a character YAML does not allow (a control byte, say)
            line = text.count("\n", 0, max(exc.position, 0)) + 1
            raise MappingError(f"{where}:{line}: broken YAML: character {exc.character:#06x} is not allowed") from None
        except YAMLError as exc:
            raise MappingError(f"{where}: broken YAML: {exc}") from None
        except RecursionError:
            raise MappingError(f"{where}: nested too deeply to be a mapping file") from None
        if doc is None:
            raise MappingError(f"{where}: the mapping file is empty")
        if not isinstance(doc, dict):
            raise MappingError(f"{where}:1: a mapping file is a YAML mapping (name:, outcome:, fields: ...)")
        _refuse_tags(doc, where)
        try:
            mapping = cls.model_validate(_plain(doc))
        except ValidationError as exc:
            raise MappingError(_explain(exc, doc, where)) from None
        mapping._path = Path(path) if path else None
        mapping._doc = doc
        mapping._text = text
        for side in ("source", "target"):
            db = mapping._system(side).database
            if db is not None and _has_password(db.url):
                raise MappingError(
                    f"{mapping.where(side, 'database', 'url')}: the database URL holds a password; put the URL "
                    "in an environment variable and write url: ${NAME} (a mapping file is committed)"
                )
        return mapping

    def to_data(self) -> dict[str, Any]:
        """The mapping as plain data in file form (``from``, steps as names or one-key mappings)."""
        # exclude_unset: what the file (or an edit) said is kept, even when it equals the default.
        data = self.model_dump(by_alias=True, exclude_unset=True, mode="python")
        for f in data.get("fields", {}).values():
            if "steps" in f:
                f["steps"] = [s["name"] if s.get("params") is None else {s["name"]: s["params"]} for s in f["steps"]]
        return data

    def dumps(self) -> str:
        """The file text: the original bytes if nothing changed, else the original document updated in place."""
        data = self.to_data()
        if self._doc is not None and self._text is not None and data == _loaded_data(self._text):
            return self._text
        doc = self._doc if self._doc is not None else CommentedMap()
        _merge(doc, data)
        buf = io.StringIO()
        _yaml().dump(doc, buf)
        return buf.getvalue()

    def changed_on_disk(self) -> bool:
        """Whether the file was changed by someone else (a colleague, a git pull) since it was loaded or saved."""
        if self._path is None or self._text is None:
            return False
        try:
            return self._path.read_text(encoding="utf-8") != self._text
        except FileNotFoundError:
            return True

    def diff(self) -> str:
        """A unified diff of what ``save()`` would write against what the file held when loaded."""
        import difflib

        before = (self._text or "").splitlines(keepends=True)
        after = self.dumps().splitlines(keepends=True)
        name = str(self._path or self.name)
        return "".join(difflib.unified_diff(before, after, f"{name} (on disk)", f"{name} (edited)", n=1))

    def save(self, path: str | Path | None = None, overwrite: bool = False) -> Path:
        """Write atomically (temporary file in the same folder, then rename); returns the path.

        Refuses (``ConflictError``) when the file changed on disk since it was loaded, unless
        ``overwrite``: two people, or a git pull, never lose a decision silently.
        """
        target = Path(path) if path else self._path
        if target is None:
            raise MappingError(f"mapping {self.name!r}: no path to save to")
        if not overwrite and path is None and self.changed_on_disk():
            raise ConflictError(
                f"{target}: changed on disk since it was loaded; reload it (your edits are kept "
                "in memory until then) or save with overwrite=True"
            )
        text = self.dumps()
        write_atomic(target, text)
        self._path, self._text = target, text
        self._doc = _yaml().load(text)
        return target


def _check_bounds(text: str, where: str) -> None:
    """Refuse, before anything is built, a document larger, deeper or more aliased than a mapping is.

    Works on the parser's events, so an alias bomb is measured (each alias counts as the size of what
    it refers to) without ever being expanded.
    """
    from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

    if len(text) > MAX_YAML_BYTES:
        raise MappingError(f"{where}: {len(text):,} characters; a mapping file is at most {MAX_YAML_BYTES:,}")
    sizes: dict[str, int] = {}
    stack: list[list] = [[None, 0]]  # [anchor, nodes so far] per open collection
    aliases = 0
    for event in YAML(typ="rt").parse(text):
        line = f":{event.start_mark.line + 1}" if event.start_mark else ""
        if isinstance(event, CollectionStartEvent):
            stack.append([event.anchor, 1])
            if len(stack) > MAX_YAML_DEPTH:
                raise MappingError(f"{where}{line}: nested more than {MAX_YAML_DEPTH} levels deep")
            continue
        if isinstance(event, CollectionEndEvent):
            anchor, n = stack.pop()
        elif isinstance(event, ScalarEvent):
            anchor, n = event.anchor, 1
        elif isinstance(event, AliasEvent):
            aliases += 1
            if aliases > MAX_YAML_ALIASES:
                raise MappingError(f"{where}{line}: more than {MAX_YAML_ALIASES:,} YAML aliases")
            anchor, n = None, sizes.get(event.anchor, 1)
        else:
            continue
        if anchor:
            sizes[anchor] = n
        stack[-1][1] += n
        if stack[-1][1] > MAX_YAML_NODES or n > MAX_YAML_NODES:
            raise MappingError(
                f"{where}{line}: the YAML expands to more than {MAX_YAML_NODES:,} values (aliases of aliases?); "
                "a mapping file is refused beyond that"
            )


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a long line the user wrote
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _loaded_data(text: str) -> dict[str, Any]:
    return Mapping.model_validate(_plain(_yaml().load(text))).to_data()


def _plain(node: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists (dates stay dates)."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if hasattr(node, "value") and hasattr(node, "tag"):  # TaggedScalar: refused earlier
        return node.value
    if isinstance(node, str):
        return str(node)
    return node


_STANDARD_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {f"{_STANDARD_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}


def _refuse_tags(node: Any, where: str, loc: tuple = ()) -> None:
    tag = getattr(getattr(node, "tag", None), "value", None)
    if tag and tag not in _PLAIN_TAGS:
        line = _line_of_parent(node)
        raise MappingError(
            f"{where}{f':{line}' if line else ''}: {'.'.join(map(str, loc)) or 'document'}: YAML tag {tag!r} "
            "is not allowed; a mapping file holds data only"
        )
    if isinstance(node, dict):
        for k, v in node.items():
            _check_child(node, k, v, where, (*loc, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _check_child(node, i, v, where, (*loc, i))


def _check_child(parent: Any, key: Any, value: Any, where: str, loc: tuple) -> None:
    tag = getattr(getattr(value, "tag", None), "value", None)
    if tag and tag not in _PLAIN_TAGS:
        line = None
        with contextlib.suppress(AttributeError, KeyError, TypeError, IndexError):
            line = (parent.lc.key(key) if isinstance(parent, dict) else parent.lc.item(key))[0] + 1
        raise MappingError(
            f"{where}{f':{line}' if line else ''}: {'.'.join(map(str, loc))}: YAML tag {tag!r} is not allowed; "
            "a mapping file holds data only"
        )
    _refuse_tags(value, where, loc)


def _line_of_parent(node: Any) -> int | None:
    lc = getattr(node, "lc", None)
    return lc.line + 1 if lc is not None and lc.line is not None else None


def _line_of(doc: Any, loc: tuple) -> int | None:
    """Line of the deepest key of ``loc`` present in the document (pydantic's ``from_`` is ``from``)."""
    node, line = doc, None
    for key in loc:
        key = "from" if key == "from_" else key
        try:
            if isinstance(node, dict) and key in node:
                line = node.lc.key(key)[0] + 1
                node = node[key]
            elif isinstance(node, list) and isinstance(key, int) and key < len(node):
                line = node.lc.item(key)[0] + 1
                node = node[key]
            else:
                break
        except (AttributeError, KeyError, TypeError):
            break
    if line is None and hasattr(doc, "lc"):
        return None
    return line


def _explain(exc: ValidationError, doc: Any, where: str) -> str:
    lines = []
    for err in exc.errors()[:10]:
        loc = tuple(err["loc"])
        line = _line_of(doc, loc)
        path = ".".join(str(p) for p in loc if p != "from_") if loc else "document"
        path = path.replace("from_", "from")
        field = ""
        if len(loc) >= 2 and loc[0] == "fields":
            field = f" field {loc[1]!r}"
        msg = err["msg"].removeprefix("Value error, ")
        if len(loc) == 4 and loc[0] == "fields" and loc[2] == "steps" and err["type"] == "value_error":
            # A step's own words already say which step and parameter: the line and the field suffice.
            lines.append(f"{where}{f':{line}' if line else ''}: field {loc[1]!r}: {msg}")
            continue
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling; see the mapping format in the README)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        lines.append(f"{where}{f':{line}' if line else ''}:{field} {path}: {msg}")
    more = len(exc.errors()) - 10
    return "\n".join(lines) + (f"\n... {more} more problems" if more > 0 else "")


def _merge(doc: CommentedMap, data: dict[str, Any]) -> None:
    """Update ``doc`` to hold ``data``: changed values replaced in place (comments kept), new keys
    inserted after their neighbour in the model's order (``decided_by`` after ``status``), removed
    keys deleted, untouched keys not rewritten at all."""
    for key in [k for k in doc if k not in data]:
        del doc[key]
    order = list(data)
    for key, value in data.items():
        if key in doc and _same(doc[key], value):
            continue
        if key in doc and isinstance(doc[key], dict) and isinstance(value, dict):
            _merge(doc[key], value)
        elif key in doc and isinstance(doc[key], list) and isinstance(value, list):
            _merge_list(doc[key], value)
        elif key in doc:
            doc[key] = _commented(value)
        else:
            before = [k for k in order[: order.index(key)] if k in doc]
            pos = list(doc).index(before[-1]) + 1 if before else 0
            last = list(doc)[-1] if len(doc) else None
            doc.insert(pos, key, _commented(value))
            if last is not None and pos == len(doc) - 1:
                _move_trailing_comment(doc, last, key)


def _move_trailing_comment(doc: CommentedMap, old_last: Any, new_last: Any) -> None:
    """A blank line or comment after the map's last entry stays after the map, not between entries."""
    items = getattr(doc, "ca", None) and doc.ca.items
    if not items or old_last not in items:
        return
    entry = items[old_last]
    if len(entry) > 2 and entry[2] is not None:
        items.setdefault(new_last, [None, None, None, None])
        items[new_last][2], entry[2] = entry[2], None


def _same(node: Any, value: Any) -> bool:
    """Equal as data; ``key: id`` in the file and ``[id]`` in the model are the same (one-item shorthand)."""
    plain = _plain(node)
    return plain == value or (isinstance(value, list) and len(value) == 1 and plain == value[0])


def _merge_list(seq: CommentedSeq, values: list[Any]) -> None:
    """Update ``seq`` to hold ``values``: an item equal to one already in the file keeps that node (its
    flow style and comments) wherever it moved; an item at a changed position is merged into the node
    there; a new one is created."""
    old = list(seq)
    kept: dict[int, Any] = {}
    used: set[int] = set()
    for i, value in enumerate(values):
        match = next((j for j, node in enumerate(old) if j not in used and _same(node, value)), None)
        if match is not None:
            kept[i] = old[match]
            used.add(match)
    for i, value in enumerate(values):
        if i in kept:
            continue
        spare = i if i < len(old) and i not in used else None
        if spare is not None and isinstance(old[spare], dict) and isinstance(value, dict):
            _merge(old[spare], value)
            kept[i] = old[spare]
            used.add(spare)
        else:
            kept[i] = _commented(value)
    merged = [kept[i] for i in range(len(values))]
    if all(a is b for a, b in zip(merged, old, strict=False)) and len(merged) == len(old):
        return  # nothing moved, nothing new: the file's lines stay as they are
    for i, node in enumerate(merged):
        if i < len(seq):
            if seq[i] is not node:
                seq[i] = node
        else:
            seq.append(node)
    del seq[len(values) :]


def _commented(value: Any) -> Any:
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = _commented(v)
        return m
    if isinstance(value, list):
        return CommentedSeq([_commented(v) for v in value])
    return value


def _has_password(url: str) -> bool:
    from kit.load.database import has_password

    return has_password(url)
