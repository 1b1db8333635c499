"""Time-dependent amounts: central rates (takster) and per-activity unit prices.

A rate or price is a list of periods, each valid on the half-open interval
``[start_date, end_date)``. A missing start means "since always" and a missing
end means "until further notice". Half-open intervals let one period end on
the same date the next one starts, with no gap and no overlap. A date that no
period covers has the amount 0, which matches an unpriced activity.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from os2bos_plone.engine.money import parse_danish

ZERO = Decimal("0")


@dataclass(frozen=True)
class PricePeriod:
    """One amount valid from ``start_date`` (inclusive) to ``end_date`` (exclusive)."""

    start_date: date | None
    end_date: date | None
    amount: Decimal

    def covers(self, day: date) -> bool:
        """True when ``day`` lies in ``[start_date, end_date)``."""
        if self.start_date is not None and day < self.start_date:
            return False
        return self.end_date is None or day < self.end_date

    def overlaps(self, other: PricePeriod) -> bool:
        """True when the two half-open intervals share at least one day."""
        starts_before_other_ends = (
            self.start_date is None or other.end_date is None or self.start_date < other.end_date
        )
        other_starts_before_self_ends = (
            other.start_date is None or self.end_date is None or other.start_date < self.end_date
        )
        return starts_before_other_ends and other_starts_before_self_ends

    def as_row(self) -> dict[str, Any]:
        return {"start_date": self.start_date, "end_date": self.end_date, "amount": self.amount}


def _start_key(period: PricePeriod) -> date:
    return period.start_date or date.min


class PriceHistory:
    """An ordered collection of :class:`PricePeriod` rows.

    The rows keep the order they were given in, so validation messages can name
    them ("periode 2") the way the user sees them.
    """

    __slots__ = ("periods", "_by_start")

    def __init__(self, periods: Iterable[PricePeriod] = ()):
        self.periods: tuple[PricePeriod, ...] = tuple(periods)
        # Latest start first: if invalid data overlaps, the most recent period wins.
        self._by_start = sorted(self.periods, key=_start_key, reverse=True)

    @classmethod
    def constant(cls, amount: Decimal | int | str) -> PriceHistory:
        """One open period: the same amount on every date."""
        return cls([PricePeriod(None, None, Decimal(amount))])

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> PriceHistory:
        """Parse rows (see :func:`parse_price_rows`); raise ``ValueError`` on unreadable rows."""
        history, errors = parse_price_rows(rows)
        if errors:
            raise ValueError("; ".join(errors))
        return history

    def __len__(self) -> int:
        return len(self.periods)

    def __iter__(self):
        return iter(self.periods)

    def __bool__(self) -> bool:
        return bool(self.periods)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PriceHistory) and self.periods == other.periods

    def __hash__(self) -> int:
        return hash(self.periods)

    def __repr__(self) -> str:
        return f"PriceHistory({list(self.periods)!r})"

    def amount_on(self, day: date) -> Decimal:
        """The amount valid on ``day``; ``Decimal("0")`` when no period covers it."""
        for period in self._by_start:
            if period.covers(day):
                return period.amount
        return ZERO

    def validate(self) -> list[str]:
        """Danish messages for rows whose start is not before their end, and for overlaps."""
        errors = []
        for number, period in enumerate(self.periods, start=1):
            if (
                period.start_date is not None
                and period.end_date is not None
                and period.start_date >= period.end_date
            ):
                errors.append(f"Periode {number}: startdatoen skal ligge før slutdatoen.")
        for first in range(len(self.periods)):
            for second in range(first + 1, len(self.periods)):
                if self.periods[first].overlaps(self.periods[second]):
                    errors.append(
                        f"Periode {first + 1} og periode {second + 1} overlapper hinanden."
                    )
        return errors

    def with_period(
        self, amount: Decimal, start_date: date | None = None, end_date: date | None = None
    ) -> PriceHistory:
        """A new history where ``amount`` applies on ``[start_date, end_date)``.

        Existing periods are trimmed or split where the new one covers them, so
        an administrator can enter "new rate from 1 July" without editing the
        older rows by hand.
        """
        new = PricePeriod(start_date, end_date, Decimal(amount))
        if start_date is not None and end_date is not None and start_date >= end_date:
            raise ValueError("Startdatoen skal ligge før slutdatoen.")
        kept: list[PricePeriod] = []
        for period in self.periods:
            if not period.overlaps(new):
                kept.append(period)
                continue
            # The part before the new period.
            if start_date is not None and (
                period.start_date is None or period.start_date < start_date
            ):
                kept.append(PricePeriod(period.start_date, start_date, period.amount))
            # The part after the new period.
            if end_date is not None and (period.end_date is None or period.end_date > end_date):
                kept.append(PricePeriod(end_date, period.end_date, period.amount))
        kept.append(new)
        return PriceHistory(sorted(kept, key=_start_key))

    def to_rows(self) -> list[dict[str, Any]]:
        """Plain dicts, suitable for storage or a JSON API."""
        return [period.as_row() for period in self.periods]


def parse_date(value: Any) -> date | None:
    """``None``/empty -> None; a ``date`` as is; an ISO string ``YYYY-MM-DD`` parsed."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip()[:10])
    raise ValueError(f"not a date: {value!r}")


def parse_price_rows(rows: Iterable[Mapping[str, Any]]) -> tuple[PriceHistory, list[str]]:
    """Read rows ``{start_date, end_date, amount}`` given as strings or typed values.

    Returns the history of the readable rows and Danish messages for the rest.
    Row numbers in messages are 1-based, in the given order.
    """
    periods = []
    errors = []
    for number, row in enumerate(rows, start=1):
        try:
            start = parse_date(row.get("start_date"))
            end = parse_date(row.get("end_date"))
        except ValueError:
            errors.append(f"Periode {number}: ugyldig dato.")
            continue
        raw_amount = row.get("amount")
        if raw_amount is None or raw_amount == "":
            errors.append(f"Periode {number}: der skal angives et beløb.")
            continue
        try:
            amount = parse_danish(raw_amount)
        except ValueError:
            errors.append(f"Periode {number}: ugyldigt beløb.")
            continue
        periods.append(PricePeriod(start, end, amount))
    return PriceHistory(periods), errors
