"""The evidence map as a server-rendered SVG: conditions by study design.

Each cell is a circle whose area grows with the participants of the cell's studies and
whose colour says how faithfully the cell's claims report them.
"""

import math

from . import links

FIDELITY_CLASSES = [
    ("faithful", "All assessable claims faithful (exact or rounded)"),
    ("mixed", "Some faithful, some overstated or mismatched"),
    ("unfaithful", "Overstated or mismatched"),
    ("unassessed", "Not assessable (no study could be checked)"),
]
LABEL_WIDTH, HEADER_HEIGHT, COLUMN, ROW, MAX_RADIUS, MIN_RADIUS = 330, 220, 64, 52, 24, 9
RIGHT_MARGIN = 150  # room for the last column's slanted label


def fidelity_class(cell):
    """Return the colour class of a cell from its verdict counts."""
    problems = cell["overstated"] + cell["mismatch"]
    if problems and cell["faithful"]:
        return "mixed"
    if problems:
        return "unfaithful"
    return "faithful" if cell["faithful"] else "unassessed"


def map_data(rows, named_only):
    """Return the map's data: conditions, designs and one cell per condition and design."""
    conditions, designs, cells = {}, {}, []
    for row in rows:
        conditions.setdefault(row["condition"], {"iri": row["condition"], "slug": row["slug"],
                                                 "label": row["label"],
                                                 "page": links.page_url(row["condition"])})
        design_key = row["design_slug"] or "none"
        designs.setdefault(design_key, {
            "iri": row["design"], "slug": design_key, "rank": row["design_rank"] or 99,
            "label": row["design_label"] or "No study cited", "level": row["level"]})
        cell = {k: row[k] for k in ("claims", "studies", "participants", "faithful", "overstated",
                                    "mismatch", "not_assessable")}
        cell.update(condition=row["condition"], condition_label=row["label"], design=design_key,
                    design_label=designs[design_key]["label"],
                    href=f"{links.page_url(row['condition'])}?design={design_key}")
        cell["fidelity"] = fidelity_class(cell)
        cells.append(cell)
    return {"conditions": list(conditions.values()),
            "designs": sorted(designs.values(), key=lambda d: d["rank"]),
            "cells": cells, "named_only": named_only,
            "legend": [{"key": k, "label": label} for k, label in FIDELITY_CLASSES]}


def layout(data):
    """Return the SVG geometry of the map: size, row and column positions, circles."""
    rows = {c["iri"]: i for i, c in enumerate(data["conditions"])}
    columns = {d["slug"]: i for i, d in enumerate(data["designs"])}
    largest = max((c["participants"] or 0 for c in data["cells"]), default=0) or 1
    circles = []
    for cell in data["cells"]:
        n = cell["participants"] or 0
        radius = MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(n / largest)
        circles.append({**cell, "r": round(radius, 1), "known": bool(n),
                        "x": LABEL_WIDTH + COLUMN * columns[cell["design"]] + COLUMN // 2,
                        "y": HEADER_HEIGHT + ROW * rows[cell["condition"]] + ROW // 2})
    return {"width": LABEL_WIDTH + COLUMN * len(columns) + RIGHT_MARGIN,
            "height": HEADER_HEIGHT + ROW * len(rows) + 10,
            "label_width": LABEL_WIDTH, "header_height": HEADER_HEIGHT, "column": COLUMN,
            "row": ROW, "circles": circles, "largest": largest}
