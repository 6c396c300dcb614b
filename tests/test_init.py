"""`kit init`: a first draft of a mapping from two extracts, every decision a proposal."""

from __future__ import annotations

import random

import pytest
import yaml

from kit.cli import main
from kit.init import init_mapping
from kit.mapping.spec import Mapping, MappingError
from tests.conftest import SAMPLE

FIRST = ["Anna", "Jürgen", "Zoë", "Björn", "Chloé", "Ines", "Marta", "Olaf", "Sven", "Léa"]
LAST = ["Müller", "García", "Dubois", "Nowak", "Rossi", "Schäfer", "Østergaard", "Lindqvist"]
CITIES = ["Köln", "München", "Zürich", "Genève", "Malmö", "Łódź", "Wien", "Bern"]


def _pair(folder):
    """The same 300 customers exported by two systems: other headers, code page, delimiter, date
    format and status codes; the target has an id of its own and a column no source feeds."""
    rng = random.Random(7)
    rows = []
    for i in range(300):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1950, 2004)
        rows.append(
            {
                "id": f"{10000 + i}",
                "name": f"{first} {last}",
                "mail": f"{first.lower()}.{last.lower()}{i}@example.org",
                "status": rng.choice(["Aktiv", "Inaktiv", "Gesperrt"]),
                "born": (day, month, year),
                "city": rng.choice(CITIES),
            }
        )
    source = folder / "crm_export.csv"
    lines = ["KundenNr;Kundenname;EMail;Status;Geburtsdatum;Wohnort"]
    for r in rows:
        d, m, y = r["born"]
        lines.append(f"{r['id']};{r['name']};{r['mail']};{r['status']};{d:02d}.{m:02d}.{y};{r['city']}")
    source.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252", errors="replace"))
    target = folder / "shop_customers.csv"
    codes = {"Aktiv": "ACT", "Inaktiv": "INA", "Gesperrt": "BLK"}
    lines = ["customer_id,legacy_ref,full_name,email,state,birth_date,city,loyalty_tier"]
    for i, r in enumerate(rows[:250]):
        d, m, y = r["born"]
        tier = ["GOLD", "SILVER", "NONE"][i % 3]
        lines.append(
            f"C{i:05d},{r['id']},{r['name']},{r['mail']},{codes[r['status']]},{y}-{m:02d}-{d:02d},{r['city']},{tier}"
        )
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return source, target


def test_draft_of_two_exports_with_renamed_headers_and_other_formats(tmp_path):
    source, target = _pair(tmp_path)
    m = init_mapping(source, target, out=tmp_path / "mappings" / "draft.yaml")
    froms = {n: f.from_ for n, f in m.fields.items()}
    assert froms["legacy_ref"] == ["KundenNr"]
    assert froms["full_name"] == ["Kundenname"] and froms["email"] == ["EMail"]
    assert froms["state"] == ["Status"] and froms["birth_date"] == ["Geburtsdatum"] and froms["city"] == ["Wohnort"]
    # What the loader had to decide is written down, so every run reads the file the same way.
    assert m.source.load == {"encoding": "cp1252", "delimiter": ";"} and m.target.load == {}
    assert m.source.extract == "../crm_export.csv" and m.source.key == ["KundenNr"]
    assert m.target.key == ["customer_id"] and m.fields["customer_id"].unique
    state = m.fields["state"]
    assert state.allowed == ["ACT", "BLK", "INA"] and state.status == "proposed"
    (value_map,) = [s for s in state.steps if s.name == "value_map"]
    assert value_map.args.unmapped == "quarantine" and set(value_map.args.map) == {"Aktiv", "Inaktiv", "Gesperrt"}
    born = m.fields["birth_date"]
    assert born.type == "date" and [s.args.formats for s in born.steps if s.name == "parse_date"] == [["%d.%m.%Y"]]
    # Fields with no credible source stay open questions, with no from.
    assert m.fields["loyalty_tier"].status == "open" and not m.fields["loyalty_tier"].from_
    for f in m.fields.values():
        if f.from_:
            assert f.status == "proposed" and f.decided_by == "kit init" and 0 <= f.confidence <= 1
            assert f.suggestion is not None and f.suggestion.method == "kit suggest"
    text = (tmp_path / "mappings" / "draft.yaml").read_text()
    assert text.startswith("# Drafted by kit init on") and "sha256" in text
    # The draft is a mapping like any other: kit check reports (exit 0 or 1), kit apply runs.
    assert main(["check", str(m.path)]) in (0, 1)
    assert main(["apply", str(m.path)]) == 0


def test_draft_of_an_extract_against_itself_maps_every_field_to_itself(tmp_path):
    _, target = _pair(tmp_path)
    m = init_mapping(target, target, out=tmp_path / "self.yaml")
    assert {n: f.from_ for n, f in m.fields.items()} == {n: [n] for n in m.fields}
    assert all(f.status == "proposed" for f in m.fields.values())
    assert not [s for f in m.fields.values() for s in f.steps if s.name == "value_map"]
    assert not m.unmapped_source


def test_draft_of_the_sample_agrees_with_the_curated_mapping(tmp_path):
    curated = Mapping.load(SAMPLE.parent / "mappings" / "crm_to_erp.yaml")
    m = init_mapping(SAMPLE / "crm_contacts.csv", SAMPLE / "erp_customers.csv", out=tmp_path / "m.yaml")
    mapped = {n: f.from_ for n, f in curated.fields.items() if f.status != "rejected" and f.from_}
    assert {n: m.fields[n].from_ for n in mapped} == mapped
    assert m.source.load["encoding"] == "cp1252" and m.source.load["delimiter"] == ";"


def test_init_refuses_to_overwrite_without_force(tmp_path, capsys):
    source, target = _pair(tmp_path)
    out = tmp_path / "m.yaml"
    assert main(["init", str(source), str(target), "--out", str(out)]) == 0
    before = out.read_text()
    assert main(["init", str(source), str(target), "--out", str(out)]) == 2
    assert "exists already" in capsys.readouterr().err and out.read_text() == before
    assert main(["init", str(source), str(target), "--out", str(out), "--force"]) == 0
    with pytest.raises(MappingError, match="exists already"):
        init_mapping(source, target, out=out)
    assert yaml.safe_load(out.read_text())["name"] == "crm_export_to_shop_customers"


def test_draft_from_profiles_and_loaded_extracts(tmp_path):
    from kit import profile, read_extract

    source, target = _pair(tmp_path)
    m = init_mapping(
        read_extract(source), profile(read_extract(target)), out=tmp_path / "p.yaml", target_key=["customer_id"]
    )
    assert m.fields["email"].from_ == ["EMail"] and m.source.load["encoding"] == "cp1252"
    assert m.target.key == ["customer_id"] and m.target.load == {}


def test_exploring_profiles_each_extract_once_as_if_by_its_detected_key(tmp_path):
    from kit import profile, read_extract
    from kit.extracts import explore

    source, target = _pair(tmp_path)
    inputs = explore(source, target)
    assert inputs.key("target") == ["customer_id"]
    assert inputs.target_profile == profile(read_extract(target), key="customer_id")


@pytest.mark.parametrize("name", ["crm_contacts.csv", "erp_customers.xlsx", "erp_customers_feed.ndjson"])
def test_key_detection_from_rows_agrees_with_the_profile(name):
    from kit import profile, read_extract
    from kit.init import detect_key, detect_key_in

    extract = read_extract(SAMPLE / name)
    assert detect_key_in(extract.frame) == detect_key(profile(extract, near=False))
