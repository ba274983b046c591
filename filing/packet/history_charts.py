"""The static-pool charts: cumulative default and net loss by month on book, one line per origination year.

Why by year and not by vintage: forty monthly vintages would be forty lines no reader can tell apart. Each year's line
is the balance-weighted mean of its vintages' cumulative rates at each month on book, over the vintages observed
that long, so a young year's line is shorter rather than pulled down by months it has not lived.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from filing.packet.charts import line_chart
from filing.packet.environment import Lang


def by_year(curves: list[Mapping[str, Any]], field: str) -> dict[str, list[float]]:
    """Origination year → the balance-weighted cumulative rate (in %) at each month on book."""
    sums: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for curve in curves:
        weight = float(curve["original_amount"])
        for mob, value in enumerate(curve[field]):
            cell = sums[curve["vintage"][:4]][mob]
            cell[0] += weight * value * 100
            cell[1] += weight
    return {year: [total / weight for _, (total, weight) in sorted(months.items())]
            for year, months in sorted(sums.items())}


def history_charts(L: Lang, pool: Mapping[str, Any] | None) -> dict[str, Markup]:
    history = (pool or {}).get("history")
    if not history:
        return {}
    curves = history["curves"]
    longest = max(curve["months"] for curve in curves)
    labels = [str(mob) for mob in range(longest)]
    return {name: line_chart(by_year(curves, field), labels, L(title), "%")
            for name, field, title in (("vintage_defaults", "cumulative_default", "chart_cumulative_default"),
                                       ("vintage_losses", "cumulative_loss", "chart_cumulative_loss"))}


__all__ = ["history_charts", "by_year"]
