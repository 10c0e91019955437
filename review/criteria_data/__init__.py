"""The built-in criteria sets as data (one JSON file per set, plus the band descriptors per kind), and
the idempotent loader used by the data migration and `manage.py load_criteria`.

The loader takes the model classes as arguments so that a migration can pass its historical models.
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
BUILTIN_CODES = ("gbt19580-2012", "erenhot-individual-2021", "defense-sheet")


def read_bands() -> dict:
    data = json.loads((DATA_DIR / "bands.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def read_set(code: str) -> dict:
    return json.loads((DATA_DIR / f"{code}.json").read_text(encoding="utf-8"))


def load_builtin(CriteriaSet, CriteriaCategory, Criterion) -> int:
    """Creates or updates every built-in set; returns how many sets were loaded. Running it twice changes
    nothing; an item removed from the data is removed only when no score refers to it (PROTECT)."""
    bands = read_bands()
    for code in BUILTIN_CODES:
        data = read_set(code)
        set_bands = {kind: bands[kind] for kind in data["band_kinds"]}
        cs, _ = CriteriaSet.objects.update_or_create(
            code=code,
            defaults={"name": data["name"], "standard": data["standard"], "description": data["description"],
                      "total_points": Decimal(str(data["total_points"])), "bands": set_bands, "builtin": True,
                      "jurisdiction": None},
        )
        position = 0
        for c_pos, cat in enumerate(data["categories"]):
            preamble = f"{cat['number']}.1 总则（不计分）" if data.get("category_preamble") else ""
            category, _ = CriteriaCategory.objects.update_or_create(
                criteria_set=cs, number=cat["number"],
                defaults={"name": cat["name"], "points": Decimal(str(cat["points"])), "position": c_pos, "preamble": preamble},
            )
            for number, name, points in cat["items"]:
                position += 1
                Criterion.objects.update_or_create(
                    criteria_set=cs, number=number,
                    defaults={"category": category, "name": name, "points": Decimal(str(points)),
                              "kind": cat["kind"], "position": position},
                )
    return len(BUILTIN_CODES)
