"""Which source field feeds each target field: ranked candidates with the evidence for each.

Four kinds of evidence from the two profiles, each a score in [0, 1]:
- name: headers split into words (snake_case, camelCase, digits), abbreviations expanded
  (``cust_no`` = customer number), vowel-dropped forms matched as subsequences (``mrtlstts`` =
  MaritalStatus), then compared as word sets and as strings;
- values: overlap of the most common values, after folding case and spacing;
- type: the inferred semantic types (a date is not a phone number);
- shape: how alike the value shapes and lengths are (formats shift between systems; shapes less so).
A one-to-one assignment over all fields (Hungarian method) then breaks ties: a source field that is
clearly another target's best match moves down for this one. For two low-cardinality fields, a
value_map is proposed.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from kit.profiling import ColumnProfile, Profile

ABBREVIATIONS = {
    "no": "number",
    "num": "number",
    "nr": "number",
    "nbr": "number",
    "nummer": "number",
    "#": "number",
    "id": "identifier",
    "ident": "identifier",
    "ref": "reference",
    "cust": "customer",
    "cst": "customer",
    "kunde": "customer",
    "client": "customer",
    "acct": "account",
    "acc": "account",
    "addr": "address",
    "adr": "address",
    "str": "street",
    "st": "street",
    "strasse": "street",
    "zip": "postcode",
    "postal": "postcode",
    "plz": "postcode",
    "postcode": "postcode",
    "post": "postcode",
    "tel": "phone",
    "telephone": "phone",
    "ph": "phone",
    "mob": "mobile",
    "cell": "mobile",
    "fax": "fax",
    "mail": "email",
    "e": "email",
    "dob": "birth",
    "bdate": "birth",
    "birthdate": "birth",
    "dt": "date",
    "dte": "date",
    "datum": "date",
    "ts": "timestamp",
    "qty": "quantity",
    "amt": "amount",
    "val": "value",
    "desc": "description",
    "descr": "description",
    "cd": "code",
    "cde": "code",
    "stat": "status",
    "sts": "status",
    "fname": "first",
    "firstname": "first",
    "given": "first",
    "forename": "first",
    "lname": "last",
    "lastname": "last",
    "surname": "last",
    "family": "last",
    "nm": "name",
    "nme": "name",
    "org": "organisation",
    "organization": "organisation",
    "company": "organisation",
    "cty": "city",
    "town": "city",
    "ctry": "country",
    "cntry": "country",
    "land": "country",
    "curr": "currency",
    "ccy": "currency",
    "lmt": "limit",
    "limit": "limit",
    "cr": "credit",
    "created": "created",
    "crt": "created",
    "upd": "updated",
    "mod": "updated",
    "modified": "updated",
    "vat": "tax",
    "flg": "flag",
    "ind": "flag",
    "yn": "flag",
    "pct": "percent",
    "gender": "sex",
    "sex": "sex",
    "mrtl": "marital",
    "marital": "marital",
}
# Synonyms seen across systems (the same concept, another word).
ABBREVIATIONS.update(
    {
        "signup": "created",
        "registered": "created",
        "registration": "created",
        "joined": "created",
        "creation": "created",
        "opened": "created",
        "remarks": "notes",
        "remark": "notes",
        "comment": "notes",
        "comments": "notes",
        "note": "notes",
        "memo": "notes",
        "mobile": "phone",
        "percentage": "percent",
        "disc": "discount",
        "seg": "segment",
    }
)
STOP = {"the", "of", "a", "an", "at", "on", "in", "field", "col", "column", "value", "txt", "text", "fld"}
COMPATIBLE = {
    frozenset({"integer", "decimal"}): 0.7,
    frozenset({"integer", "phone"}): 0.5,
    frozenset({"integer", "postal_code"}): 0.6,
    frozenset({"decimal", "currency"}): 0.8,
    frozenset({"integer", "boolean"}): 0.4,
    frozenset({"date", "integer"}): 0.3,
}
WEIGHTS = {"name": 0.5, "values": 0.25, "type": 0.1, "shape": 0.15}


def words(name: str) -> list[str]:
    """``custNo`` -> ['cust', 'no']; ``BILLING_CITY`` -> ['billing', 'city'].

    >>> words("CustomerNumber2"), words("mrtl_stts")
    (['customer', 'number', '2'], ['mrtl', 'stts'])
    """
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    spaced = re.sub(r"(\d+)", r" \1 ", spaced)
    return [w for w in re.split(r"[^A-Za-z0-9#]+", spaced.lower()) if w]


def concepts(name: str) -> set[str]:
    """The concepts a field name stands for (words, expanded abbreviations)."""
    out = set()
    for w in words(name):
        if w in STOP:
            continue
        out.add(ABBREVIATIONS.get(w, w))
    return out


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def name_score(a: str, b: str) -> float:
    """Similarity of two headers in [0, 1].

    >>> round(name_score("cust_no", "CustomerNumber"), 2), round(name_score("mrtlstts", "MaritalStatus"), 2)
    (1.0, 0.78)
    """
    ca, cb = concepts(a), concepts(b)
    jaccard = len(ca & cb) / len(ca | cb) if ca and cb else 0.0
    fa, fb = "".join(words(a)), "".join(words(b))
    # Short headers look alike by chance ("ModTS" and "notes"): string similarity counts less there.
    string = fuzz.ratio(fa, fb) / 100 * min(1.0, min(len(fa), len(fb)) / 8)
    # Vowel-dropped abbreviations: every letter of the short form, in order, within the long one.
    short, long = sorted((fa, fb), key=len)
    subseq = 0.0
    if len(short) >= 3 and short[0] == long[0] and _subsequence(short, long):
        subseq = 0.6 + 0.3 * len(short) / len(long)
    partial = 0.0
    if len(ca & cb) and min(len(ca), len(cb)):
        partial = 0.85 * len(ca & cb) / min(len(ca), len(cb)) if len(ca & cb) < len(ca | cb) else 1.0
    return max(jaccard, string * 0.9, subseq, partial * 0.9)


def _fold(v: str) -> str:
    return re.sub(r"\s+", " ", str(v).strip().lower())


def value_score(a: ColumnProfile, b: ColumnProfile) -> float:
    """How far two columns share values (Jaccard of their folded top values)."""
    va, vb = {_fold(v) for v, _ in a.top}, {_fold(v) for v, _ in b.top}
    va.discard(""), vb.discard("")
    if not va or not vb:
        return 0.0
    return len(va & vb) / min(len(va), len(vb))


def type_score(a: ColumnProfile, b: ColumnProfile) -> float:
    """How compatible two columns' inferred types are (1 the same, 0 unrelated)."""
    ta, tb = a.type.type, b.type.type
    if ta == tb:
        return 1.0
    if "text" in (ta, tb) or "empty" in (ta, tb):
        return 0.3
    return COMPATIBLE.get(frozenset({ta, tb}), 0.0)


def shape_score(a: ColumnProfile, b: ColumnProfile) -> float:
    """How alike two columns' value shapes and lengths are."""
    sa = {s.shape: s.count for s in a.collapsed_shapes}
    sb = {s.shape: s.count for s in b.collapsed_shapes}
    cos = 0.0
    if sa and sb:
        dot = sum(sa[k] * sb.get(k, 0) for k in sa)
        cos = dot / (math.sqrt(sum(v * v for v in sa.values())) * math.sqrt(sum(v * v for v in sb.values())))
    la, lb = a.len_p50 or 0, b.len_p50 or 0
    length = min(la, lb) / max(la, lb) if max(la, lb) else 0.0
    return 0.6 * cos + 0.4 * length


def _value_map(a: ColumnProfile, b: ColumnProfile) -> dict[str, str] | None:
    """For two low-cardinality fields: each source value to the most similar target value."""
    if not (a.categorical and b.categorical):
        return None
    targets = [v for v, _ in b.top]
    proposal = {}
    for v, _ in a.top:
        best = max(targets, key=lambda t: (fuzz.WRatio(_fold(v), _fold(t)), _fold(t).startswith(_fold(v)[:2])))
        proposal[v] = best
    return proposal


@dataclass
class Candidate:
    source: str
    score: float
    evidence: dict


@dataclass
class TargetSuggestion:
    target: str
    candidates: list[Candidate] = field(default_factory=list)


@dataclass
class Suggestions:
    targets: list[TargetSuggestion]

    def to_dict(self) -> dict:
        """The suggestions as plain JSON data."""
        return {"targets": [asdict(t) for t in self.targets]}

    def best(self) -> dict[str, str | None]:
        """The best source candidate per target field (None when no candidate is credible)."""
        return {t.target: (t.candidates[0].source if t.candidates else None) for t in self.targets}

    def summary(self, n: int = 3) -> str:
        """The top ``n`` candidates per target field, with their evidence, as text."""
        lines = []
        for t in self.targets:
            cands = ", ".join(f"{c.source} ({c.score:.2f})" for c in t.candidates[:n]) or "no candidate"
            lines.append(f"  {t.target:<24} <- {cands}")
        return "\n".join(lines)


def suggest(source: Profile, target: Profile, top: int = 5, minimum: float = 0.2) -> Suggestions:
    """Ranked source candidates for every target field.

    >>> import polars as pl
    >>> from kit.profiling import profile
    >>> a = profile(pl.DataFrame({"cust_no": ["1", "2"], "e_mail": ["a@x.org", "b@y.org"]}))
    >>> b = profile(pl.DataFrame({"CustomerNumber": ["9"], "Email": ["c@z.org"]}))
    >>> suggest(a, b).best()
    {'CustomerNumber': 'cust_no', 'Email': 'e_mail'}
    """
    src, tgt = source.columns, target.columns
    if not src or not tgt:
        return Suggestions([TargetSuggestion(t.name) for t in tgt])
    scores = np.zeros((len(tgt), len(src)))
    evidence: dict[tuple[int, int], dict] = {}
    for i, t in enumerate(tgt):
        for j, s in enumerate(src):
            ev = {
                "name": round(name_score(s.name, t.name), 3),
                "values": round(value_score(s, t), 3),
                "type": round(type_score(s, t), 3),
                "shape": round(shape_score(s, t), 3),
                "types": [s.type.type, t.type.type],
            }
            score = sum(WEIGHTS[k] * ev[k] for k in WEIGHTS)
            # Strong evidence of one kind should not be averaged away by a renamed header.
            score = max(score, 0.9 * ev["name"] if ev["type"] >= 0.3 else 0.0, 0.8 * ev["values"] * ev["type"])
            scores[i, j] = score
            evidence[i, j] = ev
    rows, cols = linear_sum_assignment(-scores)
    assigned = dict(zip(rows.tolist(), cols.tolist(), strict=True))
    out = []
    for i, t in enumerate(tgt):
        order = sorted(range(len(src)), key=lambda j: (-scores[i, j], src[j].name))
        j_star = assigned.get(i)
        # The one-to-one choice goes first when it is nearly as good as the local best.
        if j_star is not None and scores[i, j_star] >= scores[i, order[0]] - 0.1 and scores[i, j_star] >= 0.45:
            order.remove(j_star)
            order.insert(0, j_star)
        cands = []
        for j in order[:top]:
            if scores[i, j] < minimum:
                continue
            ev = dict(evidence[i, j], assigned=(j == j_star))
            vm = _value_map(src[j], t)
            if vm:
                ev["value_map"] = vm
            cands.append(Candidate(src[j].name, round(float(scores[i, j]), 3), ev))
        out.append(TargetSuggestion(t.name, cands))
    return Suggestions(out)
