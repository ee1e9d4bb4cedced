"""Prices and discounts."""


def apply_discount(price: float, percent: int) -> float:
    """Return the price after a percentage discount.

    >>> apply_discount(100.0, 10)
    90.0
    """
    return price - price * percent / 100


def total(prices: list[float]) -> float:
    """Add up a basket.

    >>> total([1.5, 2.5])
    4.0
    """
    return sum(prices)
