"""Generate the sample project's extracts: a messy CRM export and an ERP customer master.

Deterministic (seeded): running it twice writes identical bytes. Every planted defect is listed in
``defects.yaml`` with the file, column, kind and the 0-based row indices *as the loader returns
them* (rows after rejected ragged records shift up), so tests can check that the kit finds each one.

    python sample_data/generate.py            # writes next to this file
    python sample_data/generate.py --out DIR  # somewhere else (tests use this for variants)
    python sample_data/generate.py --clean    # the same extracts without planted defects
"""

from __future__ import annotations

import argparse
import io
import json
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

SEED = 20261101
CRM_ROWS = 19_500
ERP_ROWS = 14_000
EXPORTED_AT = "2026-10-31 23:00"
ERP_NAME_LIMIT = 40

FIRST = [
    "John",
    "Mary",
    "James",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "José",
    "Zoë",
    "François",
    "Søren",
    "Anaïs",
    "Jürgen",
    "Inès",
    "Björn",
    "Ángel",
    "Noémie",
    "Ahmed",
    "Fatima",
    "Wei",
    "Priya",
    "Olga",
    "Mateo",
    "Chloé",
    "Luca",
    "Hannah",
    "Émile",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Müller",
    "Schmidt",
    "Dubois",
    "Lefèvre",
    "García",
    "Núñez",
    "Østergaard",
    "O'Brien",
    "Nguyen",
    "Kowalski",
    "Rossi",
    "Bianchi",
    "Jensen",
    "Hansen",
    "Fernández",
    "Costa",
    "Silva",
    "Novak",
    "Weber",
    "Fischer",
]
LONG_NAMES = [
    "Maria Guadalupe Fernández-Villaverde de la Cruz",
    "Johann Sebastian Maximilian von Hohenzollern-Sigmaringen",
    "Anne-Marie Élisabeth Charlotte de Montmorency-Laval",
    "Christopher Alexander Montgomery-Fitzwilliam III",
]
CITIES = [
    ("London", "GB", "SW1A 1AA"),
    ("Manchester", "GB", "M1 1AE"),
    ("Paris", "FR", "75008"),
    ("Lyon", "FR", "69002"),
    ("Berlin", "DE", "10115"),
    ("München", "DE", "80331"),
    ("Madrid", "ES", "28013"),
    ("New York", "US", "10001"),
    ("Boston", "US", "02108"),
    ("Newark", "US", "07102"),
    ("København", "DK", "1050"),
    ("Zürich", "CH", "8001"),
]
CITY_OF = {postcode: city for city, _, postcode in CITIES}
STREETS = ["High St", "Station Rd", "Rue Rivoli", "Hauptstr.", "Calle Mayor", "Main St", "Elm Ave"]
CRM_STATUS = ["Active", "Inactive", "Prospect", "Churned"]
ERP_STATUS = [
    ("ACT", "Active", True, 1),
    ("INA", "Inactive", False, 2),
    ("PRO", "Prospect", True, 3),
    ("CLS", "Closed", False, 4),
    ("BLK", "Blocked", False, 5),
    ("PEN", "Pending approval", True, 6),
]
CRM_TO_ERP_STATUS = {"Active": "ACT", "Inactive": "INA", "Prospect": "PRO", "Churned": "CLS"}
CRM_COLUMNS = [
    "contact_id",
    "full_name",
    "email",
    "phone",
    "signup_date",
    "status",
    "lifetime_value",
    "newsletter_opt_in",
    "billing_street",
    "billing_city",
    "billing_postcode",
    "shipping_street",
    "shipping_city",
    "shipping_postcode",
    "country",
    "notes",
]
ERP_COLUMNS = [
    "customer_no",
    "crm_contact_ref",
    "name",
    "email",
    "phone",
    "status_code",
    "created_on",
    "credit_limit",
    "street",
    "city",
    "postcode",
    "country",
    "vat_exempt",
]


class Defects:
    """Collects planted defects as {(file, column, kind): rows}."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        self.extra: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(self, file: str, column: str, kind: str, row: int) -> None:
        self.rows[(file, column, kind)].append(row)

    def note(self, file: str, column: str, kind: str, **info: Any) -> None:
        self.extra.setdefault((file, column, kind), {}).update(info)

    def to_yaml(self) -> str:
        keys = sorted(set(self.rows) | set(self.extra))
        out = [
            "# Planted defects in the sample extracts, written by generate.py. Do not edit by hand.",
            "# rows: 0-based indices of loaded data rows (as kit.read_extract returns them).",
            "defects:",
        ]
        for file, column, kind in keys:
            rows = sorted(set(self.rows.get((file, column, kind), [])))
            out.append(f"  - file: {file}")
            out.append(f"    column: {json.dumps(column)}")
            out.append(f"    kind: {kind}")
            out.append(f"    count: {len(rows) if rows else self.extra[(file, column, kind)].get('count', 0)}")
            if rows:
                out.append(f"    rows: [{', '.join(map(str, rows))}]")
            for k, v in sorted(self.extra.get((file, column, kind), {}).items()):
                if k != "count":
                    out.append(f"    {k}: {json.dumps(v, ensure_ascii=False)}")
        return "\n".join(out) + "\n"


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST), rng.choice(LAST)


def email_for(first: str, last: str, n: int) -> str:
    simple = (
        f"{first}.{last}".lower()
        .replace("'", "")
        .translate(str.maketrans("éèëêïîöøüúñçáàäåóíÁÉ", "eeeeiioouuncaaaaoiae"))
    )
    return f"{simple}{n % 97}@{['example.com', 'mail.org', 'web.net', 'post.uk'][n % 4]}"


def phone_us(rng: random.Random) -> tuple[str, str]:
    a, b, c = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
    return f"({a}) {b}-{c:04d}", f"+1{a}{b}{c:04d}"


def build_crm(rng: random.Random, clean: bool, defects: Defects) -> tuple[list[list[str]], list[int]]:
    """CRM records in file order, and for each the number of extra fields (ragged: != 0)."""
    f = "crm_contacts.csv"
    rows: list[list[str]] = []
    for i in range(CRM_ROWS):
        first, last = person(rng)
        city, country, postcode = rng.choice(CITIES)
        street = f"{rng.randint(1, 250)} {rng.choice(STREETS)}"
        ship = rng.random() < 0.3
        scity, _scountry, spost = rng.choice(CITIES) if ship else ("", "", "")
        y, m, d = rng.randint(2015, 2026), rng.randint(1, 12), rng.randint(1, 28)
        phone, _ = phone_us(rng)
        value = rng.randint(0, 250_000) / 100
        rows.append(
            [
                f"{i + 1:07d}",
                f"{first} {last}",
                email_for(first, last, i),
                phone,
                f"{y:04d}-{m:02d}-{d:02d}",
                rng.choice(CRM_STATUS),
                f"{value:.2f}",
                rng.choice(["Y", "N"]),
                street,
                city,
                postcode,
                f"{rng.randint(1, 250)} {rng.choice(STREETS)}" if ship else "",
                scity,
                spost,
                country,
                rng.choice(["", "", "", "", "", "Prefers email", "Call after 5pm", "VIP"]),
            ]
        )
    ragged = [0] * len(rows)
    if clean:
        return rows, ragged

    c = {name: CRM_COLUMNS.index(name) for name in CRM_COLUMNS}
    picks = rng.sample(range(100, CRM_ROWS - 100), 3000)
    it = iter(picks)

    def take(n: int) -> list[int]:
        return sorted(next(it) for _ in range(n))

    for r in take(60):
        rows[r][c["email"]] = rng.choice(["N/A", "n/a", "-", "NULL", "unknown"])
    for r in take(40):
        rows[r][c["phone"]] = rng.choice(["-", "N/A", "NULL"])
    for r in take(25):
        rows[r][c["signup_date"]] = "0000-00-00"
    for r in take(30):
        rows[r][c["billing_city"]] = "unknown"
    for r in take(20):
        rows[r][c["country"]] = "n/a"
    for r in take(300):
        y, m, d = rows[r][c["signup_date"]].split("-")
        if int(d) <= 12:
            rows[r][c["signup_date"]] = f"{d}/{m}/{y}"  # day-first: ambiguous with the US order
        else:
            rows[r][c["signup_date"]] = f"{int(m)}/{int(d)}/{y}"  # US order, unambiguous day > 12
    for r in take(120):
        y, m, d = rows[r][c["signup_date"]].split("-")
        rows[r][c["signup_date"]] = f"{d}.{m}.{y}"
    for r in take(400):
        digits = "".join(ch for ch in rows[r][c["phone"]] if ch.isdigit())
        rows[r][c["phone"]] = rng.choice(
            [
                f"+1-{digits[:3]}-{digits[3:6]}-{digits[6:]}",
                f"{digits[:3]}.{digits[3:6]}.{digits[6:]}",
                digits,
                f"+44 20 {digits[3:7]} {digits[7:]}",
            ]
        )
    for r in take(50):
        local = rows[r][c["email"]].split("@")[0]
        rows[r][c["email"]] = rng.choice(
            [f"{local}@", f"{local}@@example.com", f"{local} @example.com", f"{local}.example.com"]
        )
    for r in take(200):
        v = float(rows[r][c["lifetime_value"]]) + 1000
        whole, frac = f"{v:.2f}".split(".")
        rows[r][c["lifetime_value"]] = rng.choice([f"{int(whole):,}".replace(",", ".") + "," + frac, f"{whole},{frac}"])
    for r in take(150):
        v = float(rows[r][c["lifetime_value"]]) + 1000
        rows[r][c["lifetime_value"]] = f"{v:,.2f}"
    for r in take(500):
        rows[r][c["newsletter_opt_in"]] = rng.choice(["yes", "no", "1", "0", "true", "false", "Yes", "TRUE"])
    for r in take(80):
        rows[r][c["full_name"]] = f" {rows[r][c['full_name']]} " if r % 2 else rows[r][c["full_name"]] + "  "
    for r in take(40):
        rows[r][c["billing_city"]] = rows[r][c["billing_city"]].replace(" ", "\u00a0") + "\u00a0"
    for r in take(30):
        # UTF-8 "é" once read as cp1252 upstream and saved again: the classic mojibake.
        rows[r][c["full_name"]] = "JosÃ© " + rows[r][c["full_name"]].split(" ")[-1]
    for r in take(15):
        rows[r][c["notes"]] = rng.choice(["Bell\x07 rang", "Tab\x0bhere", "Esc\x1b[0m code"])
    for r in take(25):
        rows[r][c["notes"]] = rng.choice(["Smith &amp; Sons Ltd", "Said &quot;call back&quot;", "O&#39;Neill referral"])
    for r in take(20):
        rows[r][c["full_name"]] = rng.choice(LONG_NAMES)
    for r in take(3):
        rows[r][c["notes"]] = "<script>alert(1)</script>"
    for r in take(200):
        rows[r][c["notes"]] = rng.choice(["Called twice.\r\nWants a callback", "Line one\r\nLine two\r\nLine three"])
    for r in take(60):
        rows[r][c["status"]] = rng.choice(["active", "ACTIVE", " Active", "inactive"])
    # Near-duplicate people: the same person entered again with a variant of the name.
    for r in take(25):
        src = rows[r]
        first, last = src[c["full_name"]].strip().split(" ")[0], src[c["full_name"]].strip().split(" ")[-1]
        for k, variant in enumerate([f"{first}  {last}", f"{last.upper()}, {first}"]):
            dup = list(src)
            dup[c["contact_id"]] = f"{CRM_ROWS + 1 + r * 2 + k:07d}"
            dup[c["full_name"]] = variant
            rows.append(dup)
            ragged.append(0)
            defects.note(f, "full_name", "near_duplicates", count=25)
    # Exact duplicate rows: exported twice.
    for r in take(30):
        rows.append(list(rows[r]))
        ragged.append(0)
    # Duplicate keys with conflicting values.
    for r in take(40):
        dup = list(rows[r])
        dup[c["email"]] = "updated." + dup[c["email"]]
        dup[c["phone"]] = phone_us(rng)[0]
        rows.append(dup)
        ragged.append(0)
    # Ragged rows: a stray delimiter in a note, or fields missing at the end.
    for r in take(6):
        if r % 2:
            rows[r][c["notes"]] = "Discount 10%; renewal due"  # unquoted ';' adds a field
            ragged[r] = 1
        else:
            ragged[r] = -3
    return rows, ragged


def plant_later(rows: list[list[str]], ragged: list[int], seed: int) -> None:
    """Defects found only between columns or against a column's own majority, planted after the ERP
    extract was built from the CRM rows (so the ERP does not inherit them) in rows no other defect
    touched and that no copy was made of, with their own random source (the rest stays as it was)."""
    more = random.Random(seed + 1)
    c = {name: CRM_COLUMNS.index(name) for name in CRM_COLUMNS}
    ids: dict[str, int] = {}
    for row in rows:
        ids[row[c["contact_id"]]] = ids.get(row[c["contact_id"]], 0) + 1
    untouched = [
        r
        for r in range(100, CRM_ROWS - 100)
        if not ragged[r]
        and ids[rows[r][c["contact_id"]]] == 1
        and rows[r][c["phone"]].startswith("(")
        and rows[r][c["lifetime_value"]].replace(".", "").isdigit()
        and CITY_OF.get(rows[r][c["billing_postcode"]]) == rows[r][c["billing_city"]]
        and rows[r][c["full_name"]] == rows[r][c["full_name"]].strip()
    ]
    picks = iter(more.sample(untouched, 70))
    cities = [city for city, _, _ in CITIES]
    for _ in range(15):
        # A city that is not the city of its postcode: a wrong pick from a list, an old address.
        row = rows[next(picks)]
        row[c["billing_city"]] = more.choice([x for x in cities if x != row[c["billing_city"]]])
    for _ in range(25):
        rows[next(picks)][c["phone"]] = ""  # left empty in a column every other record fills
    for _ in range(30):
        row = rows[next(picks)]
        row[c["lifetime_value"]] = f"{row[c['lifetime_value']]} {more.choice(['EUR', 'USD', 'GBP'])}"


def record_defects_crm(rows: list[list[str]], ragged: list[int], clean: bool, defects: Defects) -> None:
    """Derive the manifest from the rows as written: what is planted is what is listed."""
    f = "crm_contacts.csv"
    c = {name: CRM_COLUMNS.index(name) for name in CRM_COLUMNS}
    loaded = 0
    line = 3  # line 1: preamble, line 2: header
    seen_rows: dict[tuple[str, ...], int] = {}
    first_by_key: dict[str, tuple[int, tuple[str, ...]]] = {}
    for r, row in enumerate(rows):
        if ragged[r]:
            defects.add(f, "*", "ragged_row", line)
            line += 1 + sum(v.count("\n") for v in (row[: ragged[r]] if ragged[r] < 0 else row))
            continue
        i = loaded
        loaded += 1
        line += 1 + sum(v.count("\n") for v in row)
        if clean:
            continue
        key = tuple(row)
        if key in seen_rows:
            defects.add(f, "*", "exact_duplicate_rows", i)
            defects.add(f, "*", "exact_duplicate_rows", seen_rows[key])
        seen_rows.setdefault(key, i)
        cid = row[c["contact_id"]]
        if cid in first_by_key and key != first_by_key[cid][1]:
            defects.add(f, "contact_id", "duplicate_key_conflict", i)
            defects.add(f, "contact_id", "duplicate_key_conflict", first_by_key[cid][0])
        first_by_key.setdefault(cid, (i, key))
        for col in ("email", "phone", "signup_date", "billing_city", "country", "lifetime_value"):
            if row[c[col]] in ("N/A", "n/a", "-", "NULL", "unknown", "0000-00-00"):
                defects.add(f, col, "pseudo_null", i)
        sd = row[c["signup_date"]]
        if "/" in sd or "." in sd:
            defects.add(f, "signup_date", "mixed_date_formats", i)
            day_month = sd.split("/")[:2] if "/" in sd else []
            if day_month and int(day_month[0]) <= 12 and int(day_month[1]) <= 12 and day_month[0] != day_month[1]:
                defects.add(f, "signup_date", "ambiguous_date", i)
        if not row[c["phone"]].startswith("(") and row[c["phone"]] not in ("-", "N/A", "NULL", ""):
            defects.add(f, "phone", "phone_formats", i)
        e = row[c["email"]]
        if e not in ("N/A", "n/a", "-", "NULL", "unknown") and (e.count("@") != 1 or " " in e or e.endswith("@")):
            defects.add(f, "email", "invalid_email", i)
        lv = row[c["lifetime_value"]]
        if "," in lv and lv.rsplit(",", 1)[1].isdigit() and len(lv.rsplit(",", 1)[1]) == 2:
            defects.add(f, "lifetime_value", "decimal_comma", i)
        elif "," in lv:
            defects.add(f, "lifetime_value", "thousands_separator", i)
        if lv[-4:] in (" EUR", " USD", " GBP"):
            defects.add(f, "lifetime_value", "number_with_unit", i)
        city, post = row[c["billing_city"]], row[c["billing_postcode"]]
        if city in CITY_OF.values() and CITY_OF.get(post, city) != city:
            defects.add(f, "billing_city", "city_breaks_postcode", i)
        if row[c["phone"]] == "":
            defects.add(f, "phone", "missing_in_filled", i)
        if row[c["newsletter_opt_in"]] not in ("Y", "N"):
            defects.add(f, "newsletter_opt_in", "boolean_variants", i)
        if row[c["full_name"]] != row[c["full_name"]].strip(" "):
            defects.add(f, "full_name", "leading_trailing_spaces", i)
        if "\u00a0" in row[c["billing_city"]]:
            defects.add(f, "billing_city", "non_breaking_space", i)
        if "Ã" in row[c["full_name"]]:
            defects.add(f, "full_name", "mojibake", i)
        if any(ch in row[c["notes"]] for ch in "\x07\x0b\x1b"):
            defects.add(f, "notes", "control_chars", i)
        if "&amp;" in row[c["notes"]] or "&quot;" in row[c["notes"]] or "&#39;" in row[c["notes"]]:
            defects.add(f, "notes", "html_entities", i)
        if len(row[c["full_name"]].strip()) > ERP_NAME_LIMIT:
            defects.add(f, "full_name", "too_long_for_target", i)
        if "<script>" in row[c["notes"]]:
            defects.add(f, "notes", "script_injection", i)
        if "\n" in row[c["notes"]]:
            defects.add(f, "notes", "quoted_newlines", i)
        if row[c["status"]] not in CRM_STATUS:
            defects.add(f, "status", "inconsistent_case", i)
        if "  " in row[c["full_name"]].strip() or ", " in row[c["full_name"]]:
            defects.add(f, "full_name", "near_duplicates", i)
    if not clean:
        defects.note(f, "contact_id", "leading_zeros", count=loaded)
        defects.note(f, "*", "preamble", lines=[1])
        defects.note(f, "*", "footer", count=1)
        defects.note(
            f,
            "billing_street",
            "two_addresses",
            count=loaded,
            other="shipping_street",
            target="erp_customers.csv street",
        )
        defects.note(
            f,
            "status",
            "status_cardinality",
            count=loaded,
            source_values=CRM_STATUS,
            target_values=[s[0] for s in ERP_STATUS],
        )


def write_crm(rows: list[list[str]], ragged: list[int], path: Path) -> None:
    out = io.StringIO(newline="")
    out.write(f"Exported from SalesCloud CRM on {EXPORTED_AT} by export_job (contacts, all regions)\r\n")
    out.write(";".join(CRM_COLUMNS) + "\r\n")

    def cell(v: str) -> str:
        if any(ch in v for ch in ';"\r\n') and v != "Discount 10%; renewal due":
            return '"' + v.replace('"', '""') + '"'
        return v

    for row, extra in zip(rows, ragged, strict=True):
        cells = [cell(v) for v in row]
        if extra < 0:
            cells = cells[:extra]
        out.write(";".join(cells) + "\r\n")
    out.write(f"Total rows: {sum(1 for e in ragged if not e)}\r\n")
    path.write_bytes(out.getvalue().encode("cp1252"))


def build_erp(rng: random.Random, crm_rows: list[list[str]], clean: bool, defects: Defects) -> list[dict[str, str]]:
    f = "erp_customers.csv"
    c = {name: CRM_COLUMNS.index(name) for name in CRM_COLUMNS}
    out: list[dict[str, str]] = []
    migrated = rng.sample(range(CRM_ROWS), 11_000)
    for i in range(ERP_ROWS):
        if i < len(migrated):
            src = crm_rows[migrated[i]]
            name = src[c["full_name"]].strip()[:ERP_NAME_LIMIT]
            email = src[c["email"]]
            digits = "".join(ch for ch in src[c["phone"]] if ch.isdigit())
            phone = "+1" + digits[-10:] if len(digits) >= 10 else ""
            ref = str(int(src[c["contact_id"]]))  # the ERP stored the CRM id as a number: zeros gone
            city, postcode, country = src[c["billing_city"]], src[c["billing_postcode"]], src[c["country"]]
            street = src[c["billing_street"]]
            crm_status = src[c["status"]].strip().title()
            status = CRM_TO_ERP_STATUS.get(crm_status, "PEN")
            sd = src[c["signup_date"]]
            created = sd if len(sd) == 10 and sd[4] == "-" and sd != "0000-00-00" else "2020-01-01"
        else:
            first, last = person(rng)
            name = f"{first} {last}"
            email = email_for(first, last, i + 50_000)
            phone = phone_us(rng)[1]
            ref = ""
            city, country, postcode = rng.choice(CITIES)
            street = f"{rng.randint(1, 250)} {rng.choice(STREETS)}"
            status = rng.choice(["ACT", "ACT", "INA", "BLK", "PEN"])
            created = f"{rng.randint(2019, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        out.append(
            {
                "customer_no": str(100_001 + i),
                "crm_contact_ref": ref,
                "name": name,
                "email": email,
                "phone": phone,
                "status_code": status,
                "created_on": created,
                "credit_limit": f"{rng.choice([500, 1000, 2500, 5000, 10000])}.00",
                "street": street,
                "city": city,
                "postcode": postcode,
                "country": country,
                "vat_exempt": rng.choice(["true", "false", "false"]),
            }
        )
    if clean:
        return out
    for r in sorted(rng.sample(range(ERP_ROWS), 20)):
        damaged = out[r]["name"].replace("ü", "\ufffd").replace("é", "\ufffd").replace("o", "\ufffd", 1)
        if damaged != out[r]["name"]:  # a name with none of these letters survives intact: not a defect
            out[r]["name"] = damaged
            defects.add(f, "name", "replacement_char", r)
    for r in sorted(rng.sample(range(ERP_ROWS), 30)):
        if out[r]["phone"]:
            out[r]["phone"] = "NULL"
            defects.add(f, "phone", "pseudo_null", r)
    # A customer number issued twice: two different customers under one key.
    for r in sorted(rng.sample(range(ERP_ROWS), 10)):
        out[r]["customer_no"] = out[r + 1 if r + 1 < ERP_ROWS else r - 1]["customer_no"]
        defects.add(f, "customer_no", "duplicate_key_conflict", r)
    defects.note(
        f,
        "crm_contact_ref",
        "leading_zeros_lost",
        count=sum(1 for o in out if o["crm_contact_ref"]),
        other="crm_contacts.csv contact_id",
    )
    return out


def record_defects_erp(erp: list[dict[str, str]], clean: bool, defects: Defects) -> None:
    """Defects the ERP inherited from the CRM rows it migrated, derived from the rows as written."""
    if clean:
        return
    f = "erp_customers.csv"
    placeholders = ("N/A", "n/a", "-", "NULL", "unknown")
    for i, row in enumerate(erp):
        for col in ("email", "city", "country"):
            if row[col] in placeholders:
                defects.add(f, col, "pseudo_null", i)
        e = row["email"]
        if e not in placeholders and (e.count("@") != 1 or " " in e or e.endswith("@")):
            defects.add(f, "email", "invalid_email", i)
        if "\u00a0" in row["city"]:
            defects.add(f, "city", "non_breaking_space", i)
        if "Ã" in row["name"]:
            defects.add(f, "name", "mojibake", i)
        if row["name"] != row["name"].strip(" "):
            defects.add(f, "name", "leading_trailing_spaces", i)  # cut at the 40-character limit mid-name
        if row["phone"] == "":
            defects.add(f, "phone", "missing_in_filled", i)  # the CRM had a placeholder, not a number


def fix_duplicate_key_rows(defects: Defects, erp: list[dict[str, str]]) -> None:
    """A duplicated key is a defect on both rows: add the original holder of each key."""
    f = "erp_customers.csv"
    key = (f, "customer_no", "duplicate_key_conflict")
    if key not in defects.rows:
        return
    by_no: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(erp):
        by_no[row["customer_no"]].append(i)
    defects.rows[key] = sorted({i for r in defects.rows[key] for i in by_no[erp[r]["customer_no"]]})


def write_erp(erp: list[dict[str, str]], path: Path) -> None:
    frame = pl.DataFrame(erp, schema=dict.fromkeys(ERP_COLUMNS, pl.String))
    buf = io.BytesIO()
    frame.write_csv(buf, include_bom=True, line_terminator="\n")
    path.write_bytes(buf.getvalue())


ERP_TABLE = """CREATE TABLE customers (
    customer_no VARCHAR(10) PRIMARY KEY,
    crm_contact_ref VARCHAR(7),
    name VARCHAR(40) NOT NULL,
    email VARCHAR(80),
    phone VARCHAR(20),
    status_code CHAR(3) NOT NULL CHECK (status_code IN ('ACT', 'INA', 'PRO', 'CLS', 'BLK', 'PEN')),
    created_on DATE NOT NULL,
    credit_limit NUMERIC(12,2),
    street VARCHAR(60) NOT NULL,
    city VARCHAR(40) NOT NULL,
    postcode VARCHAR(10),
    country CHAR(2) CHECK (country IN ('DE', 'FR', 'ES', 'GB', 'US', 'IT', 'NL', 'DK', 'CH', 'AT')),
    vat_exempt BOOLEAN
)"""


def write_erp_sqlite(erp: list[dict[str, str]], path: Path) -> None:
    """The ERP customer table as the ERP's own database holds it: its constraints enforced (one row per
    customer number, the first; no placeholder country, NULL instead), so a target read from it takes
    NOT NULL, lengths, allowed codes and the key from the catalog."""
    import sqlite3

    path.unlink(missing_ok=True)
    seen: set[str] = set()
    rows = []
    for row in erp:
        if row["customer_no"] in seen:
            continue
        seen.add(row["customer_no"])
        values = {c: (row[c] or None) for c in ERP_COLUMNS}
        if values["country"] == "n/a":
            values["country"] = None
        values["vat_exempt"] = {"true": 1, "false": 0}.get(row["vat_exempt"])
        values["credit_limit"] = float(row["credit_limit"]) if row["credit_limit"] else None
        rows.append(tuple(values[c] for c in ERP_COLUMNS))
    con = sqlite3.connect(path)
    with con:
        con.execute(ERP_TABLE)
        con.executemany(f"INSERT INTO customers VALUES ({', '.join('?' * len(ERP_COLUMNS))})", rows)
    con.execute("VACUUM")
    con.close()


def write_erp_excel(erp: list[dict[str, str]], path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("Customers")
    bold = book.add_format({"bold": True})
    sheet.write(0, 0, f"ERP customer master, finance export {EXPORTED_AT}", bold)
    for j, col in enumerate(ERP_COLUMNS):
        sheet.write_string(2, j, col, bold)
    for i, row in enumerate(erp[:2000]):
        for j, col in enumerate(ERP_COLUMNS):
            value = row[col]
            if col == "credit_limit":
                sheet.write_number(3 + i, j, float(value))
            elif value:
                sheet.write_string(3 + i, j, value)
    notes = book.add_worksheet("Notes")
    notes.write(0, 0, "Rows are the first 2000 customers by number.")
    book.set_properties({"created": __import__("datetime").datetime(2026, 10, 31, 23, 0)})
    book.close()


def write_erp_ndjson(erp: list[dict[str, str]], path: Path) -> None:
    lines = []
    for row in erp[:1000]:
        rec = {
            "customer_no": row["customer_no"],
            "name": row["name"],
            "email": row["email"],
            "status": {"code": row["status_code"]},
            "address": {
                "street": row["street"],
                "city": row["city"],
                "postcode": row["postcode"],
                "country": row["country"],
            },
            "credit_limit": float(row["credit_limit"]),
            "tags": ["migrated"] if row["crm_contact_ref"] else [],
        }
        lines.append(json.dumps(rec, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_status_codes(path: Path) -> None:
    table = pa.table(
        {
            "code": [s[0] for s in ERP_STATUS],
            "label": [s[1] for s in ERP_STATUS],
            "is_active": [s[2] for s in ERP_STATUS],
            "sort_order": pa.array([s[3] for s in ERP_STATUS], pa.int32()),
        }
    )
    pq.write_table(table, path, compression="zstd")


def generate(out: Path, clean: bool = False, seed: int = SEED) -> Defects:
    """Write every sample extract (and defects.yaml unless ``clean``) into ``out``."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    defects = Defects()
    crm, ragged = build_crm(rng, clean, defects)
    erp = build_erp(rng, crm, clean, defects)
    if not clean:
        plant_later(crm, ragged, seed)
    record_defects_crm(crm, ragged, clean, defects)
    write_crm(crm, ragged, out / "crm_contacts.csv")
    record_defects_erp(erp, clean, defects)
    fix_duplicate_key_rows(defects, erp)
    write_erp(erp, out / "erp_customers.csv")
    write_erp_excel(erp, out / "erp_customers.xlsx")
    write_erp_sqlite(erp, out / "erp.sqlite")
    write_erp_ndjson(erp, out / "erp_customers_feed.ndjson")
    write_status_codes(out / "erp_status_codes.parquet")
    if not clean:
        (out / "defects.yaml").write_text(defects.to_yaml(), encoding="utf-8")
    return defects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    parser.add_argument("--clean", action="store_true", help="write the extracts without planted defects")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    generate(args.out, clean=args.clean, seed=args.seed)
    sizes = {p.name: p.stat().st_size for p in sorted(args.out.iterdir()) if p.is_file() and p.suffix != ".py"}
    print("\n".join(f"{name:32} {size:>10,} bytes" for name, size in sizes.items()))


if __name__ == "__main__":
    main()
