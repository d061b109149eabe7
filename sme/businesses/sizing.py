"""SME size class under Decree 80/2021 Art. 5: a pure function over thresholds that live in the database."""

from collections.abc import Iterable
from dataclasses import dataclass

from .models import SizeClass

SIZE_ORDER = (SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM)


@dataclass(frozen=True)
class Threshold:
    size_class: str
    max_insured_headcount: int
    max_revenue_vnd: int
    max_capital_vnd: int


def size_class_compute(*, thresholds: Iterable[Threshold], insured_headcount: int,
                       prior_year_revenue_vnd: int | None, total_capital_vnd: int) -> SizeClass:
    """The smallest class whose headcount limit is met AND whose revenue OR capital limit is met.

    ``thresholds``: the micro, small and medium limits of the business's sector group (any order).
    ``prior_year_revenue_vnd`` is ``None`` for a new enterprise with no revenue yet: capital alone decides.
    Limits are inclusive ("không quá"). Above the medium limits the result is ``NOT_SME``.
    Raises ``ValueError`` if a class is missing from ``thresholds``.
    """
    by_class = {t.size_class: t for t in thresholds}
    missing = [c for c in SIZE_ORDER if c not in by_class]
    if missing:
        raise ValueError(f"No thresholds for {missing}")
    for size_class in SIZE_ORDER:
        limit = by_class[size_class]
        if insured_headcount > limit.max_insured_headcount:
            continue
        revenue_ok = prior_year_revenue_vnd is not None and prior_year_revenue_vnd <= limit.max_revenue_vnd
        if revenue_ok or total_capital_vnd <= limit.max_capital_vnd:
            return size_class
    return SizeClass.NOT_SME
