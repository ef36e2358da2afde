"""A forest plot of a condition's structured results, drawn on the server as SVG.

Only effects are drawn (differences and ratios, which have a line of no effect); counts and rates
of one arm are in the table. Results are comparable only on one scale, so there is one panel per
outcome, statistic and unit;
each row is one result (a study at a time point): its value as a dot, its confidence interval as a
line where the study reported one, and the line of no effect where the statistic has one (0 for a
difference, 1 for a ratio). The summary-of-findings table beside it holds the same numbers as text.
"""

from collections import defaultdict

NO_EFFECT = {"mean-difference": 0, "standardized-mean-difference": 0, "mean-change": 0, "percent-change": 0,
             "odds-ratio": 1, "risk-ratio": 1}
LABEL_WIDTH, PLOT_WIDTH, ROW, TOP = 190, 240, 26, 22


def panels(findings):
    """Return the forest panels of a condition's summary-of-findings rows."""
    grouped = defaultdict(list)
    for row in findings:
        for study in row["studies"]:
            for result in study["results"]:
                if result["statistic_key"] not in NO_EFFECT:
                    continue
                key = (row["outcome"], result["statistic"], result["unit"] or "")
                label = study["label"] or ""
                grouped[key].append({**result, "study": label if len(label) < 30 else label[:28] + "…",
                                     "page": study["page"], "certainty": row["certainty"]["level"]})
    return [layout(outcome, statistic, unit, rows) for (outcome, statistic, unit), rows in grouped.items()]


def layout(outcome, statistic, unit, rows):
    """Return one panel's geometry: a scale, the line of no effect, and a row per result."""
    null = NO_EFFECT.get(rows[0]["statistic_key"])
    points = [v for r in rows for v in (r["value"], r["ci_lower"], r["ci_upper"]) if v is not None]
    points += [null] if null is not None else []
    low, high = min(points), max(points)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad

    def x(value):
        return round(LABEL_WIDTH + (value - low) / (high - low) * PLOT_WIDTH, 1)

    drawn = []
    for i, r in enumerate(rows):
        y = TOP + i * ROW + ROW // 2
        drawn.append({**r, "x": x(r["value"]), "y": y,
                      "x_low": x(r["ci_lower"]) if r["ci_lower"] is not None else None,
                      "x_high": x(r["ci_upper"]) if r["ci_upper"] is not None else None})
    return {"outcome": outcome, "statistic": statistic, "unit": unit, "rows": drawn,
            "null_x": x(null) if null is not None else None, "null": null,
            "low": round(low, 2), "high": round(high, 2), "x_low": x(low), "x_high": x(high),
            "width": LABEL_WIDTH + PLOT_WIDTH + 90, "height": TOP + len(rows) * ROW + 24,
            "axis_y": TOP + len(rows) * ROW + 4}
