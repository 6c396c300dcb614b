"""A mixed customer extract of any size with realistic defects: for benchmarks and tests that need
many rows or a second system's copy (renamed headers, shifted formats) rather than the fixed sample.

>>> make_frame(1000).shape
(1000, 20)
"""

from __future__ import annotations

import numpy as np
import polars as pl

FIRST = ["Anna", "Ben", "Chloé", "David", "Émile", "Fatima", "George", "Hana", "Ivan", "Julia", "Kofi", "Lena"]
LAST = ["Smith", "García", "Müller", "Nguyen", "Rossi", "Dubois", "Kowalski", "Jensen", "Costa", "Novak", "Okafor"]
CITIES = ["Berlin", "Paris", "Madrid", "Lisbon", "Vienna", "Zürich", "Kraków", "Oslo", "Dublin", "Rome"]
STATUSES = ["Active", "Inactive", "Prospect", "Churned"]


SYLLABLES = ["ka", "lo", "mi", "ne", "ra", "so", "tu", "vi", "be", "da", "fe", "go", "ha", "ji", "ze", "wo"]
STREET_TYPES = ["Street", "Road", "Avenue", "Lane", "Way", "Platz", "Straße", "Rue", "Calle"]
WORDS = [
    "call",
    "back",
    "customer",
    "asked",
    "about",
    "invoice",
    "delivery",
    "late",
    "moved",
    "prefers",
    "email",
    "phone",
    "discount",
    "complaint",
    "resolved",
    "pending",
    "visit",
    "contract",
    "renewal",
]


def _coined(rng: np.random.Generator, rows: int, parts: int, pool: int) -> pl.Series:
    """Names made of syllables: a pool of ``pool`` distinct ones, capitalised (varied, realistic length)."""
    codes = rng.integers(0, len(SYLLABLES), (pool, parts))
    names = np.array(["".join(SYLLABLES[i] for i in row).capitalize() for row in codes], dtype=object)
    return pl.Series(names[rng.integers(0, pool, rows)].astype(str))


def make_frame(rows: int, seed: int = 7, varied: bool = False) -> pl.DataFrame:
    """20 text columns with realistic defects, generated with numpy (vectorised, seeded).

    ``varied`` makes the text columns as varied as a real customer table's: names from pools of
    thousands, a street address instead of the segment, and free-text notes on most rows (many
    mostly distinct text columns, the hard case for a profiler), keeping the same defects.
    """
    rng = np.random.default_rng(seed)

    def pick(values: list[str]) -> pl.Series:
        return pl.Series(np.array(values, dtype=object)[rng.integers(0, len(values), rows)].astype(str))

    def sprinkle(s: pl.Series, values: list[str], share: float) -> pl.Series:
        mask = pl.Series(rng.random(rows) < share)
        return pl.select(pl.when(mask).then(pick(values)).otherwise(s)).to_series()

    idx = pl.Series(np.arange(rows))
    first, last = pick(FIRST), pick(LAST)
    full = first + " " + last
    days = pl.Series(rng.integers(0, 365 * 30, rows)).cast(pl.Int32)
    date = pl.select(pl.lit("1995-01-01").str.to_date() + pl.duration(days=days)).to_series()
    amount = pl.Series(rng.gamma(2.0, 500.0, rows)).round(2)
    frame = pl.DataFrame(
        {
            "customer_id": idx.cast(pl.String).str.zfill(8),
            "external_ref": pl.Series(rng.integers(0, 10**9, rows)).cast(pl.String),
            "first_name": first,
            "last_name": last,
            "full_name": sprinkle(full, ["N/A", " Anna Smith ", "ANNA SMITH"], 0.01),
            "email": sprinkle(
                first.str.to_lowercase() + "." + last.str.to_lowercase() + idx.cast(pl.String) + "@mail.example",
                ["n/a", "broken@", "no email"],
                0.01,
            ),
            "phone": sprinkle(
                "("
                + pl.Series(rng.integers(200, 999, rows)).cast(pl.String)
                + ") 555-"
                + pl.Series(rng.integers(0, 10000, rows)).cast(pl.String).str.zfill(4),
                ["+44 20 7946 0958", "555.123.4567", "-"],
                0.02,
            ),
            "signup_date": sprinkle(date.dt.strftime("%Y-%m-%d"), ["03/04/2021", "12.05.2020", "0000-00-00"], 0.02),
            "last_order": date.dt.strftime("%d/%m/%Y"),
            "updated_at": date.dt.strftime("%Y-%m-%d") + " 12:00:00",
            "amount": sprinkle(amount.cast(pl.String), ["1234,56", "2,345.67", "unknown"], 0.01),
            "discount": pl.Series(rng.integers(0, 50, rows)).cast(pl.String),
            "quantity": pl.Series(rng.integers(1, 20, rows)).cast(pl.String),
            "status": sprinkle(pick(STATUSES), ["active", "ACTIVE", " Active", "Actvie"], 0.01),
            "country": pick(["DE", "FR", "ES", "PT", "AT", "CH", "PL", "NO", "IE", "IT"]),
            "city": sprinkle(pick(CITIES), ["Berlin\u00a0", "Pariss", "unknown"], 0.005),
            "postcode": pick(["10115", "75008", "28013", "1100-148", "1010", "8001", "31-042", "0150"]),
            "opt_in": sprinkle(pick(["Y", "N"]), ["yes", "true", "0"], 0.01),
            "segment": pick(["retail", "wholesale", "online", "partner"]),
            "notes": sprinkle(
                pl.Series([""] * rows),
                ["Call back", "VIP &amp; partner", "Moved\r\nto new address", "Prefers email"],
                0.2,
            ),
        }
    )
    if varied:
        first, last = _coined(rng, rows, 3, 3_000), _coined(rng, rows, 4, 20_000)
        words = np.array(WORDS, dtype=object)
        note = pl.Series([" ".join(words[rng.integers(0, len(WORDS), 8)]) for _ in range(min(rows, 50_000))])
        frame = frame.with_columns(
            first_name=first,
            last_name=last,
            full_name=sprinkle(first + " " + last, ["N/A", " Anna Smith ", "ANNA SMITH"], 0.01),
            email=sprinkle(
                first.str.to_lowercase() + "." + last.str.to_lowercase() + idx.cast(pl.String) + "@mail.example",
                ["n/a", "broken@", "no email"],
                0.01,
            ),
            segment=pl.Series(rng.integers(1, 300, rows)).cast(pl.String)
            + " "
            + _coined(rng, rows, 3, 5_000)
            + " "
            + pick(STREET_TYPES),
            notes=pl.when(pl.Series(rng.random(rows) < 0.7))
            .then(note.sample(rows, with_replacement=True, seed=seed) + " #" + idx.cast(pl.String))
            .otherwise(frame["notes"]),
        ).rename({"segment": "street"})
    # People entered twice: 0.5% of rows again under a new id, name re-typed in capitals, phone reformatted.
    again = frame.sample(fraction=0.005, seed=seed).with_columns(
        pl.col("customer_id").str.replace(r"^0", "9"),
        pl.col("full_name").str.to_uppercase(),
        pl.col("phone").str.replace_all(r"[()]", "").str.replace(" ", "-"),
    )
    return pl.concat([frame.head(rows - again.height), again])


def planted_pairs(rows: int, seed: int = 7) -> set[tuple[int, int]]:
    """The (original, copy) row pairs ``make_frame(rows, seed)`` planted: the copies are its last rows,
    each of an original drawn with the same seeded sample (originals cut off with the tail are not)."""
    drawn = pl.DataFrame({"i": np.arange(rows)}).sample(fraction=0.005, seed=seed)["i"].to_list()
    first_copy = rows - len(drawn)
    return {(o, first_copy + k) for k, o in enumerate(drawn) if o < first_copy}
