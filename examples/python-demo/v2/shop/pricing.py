"""Prices and discounts."""

MAX_DISCOUNT = 50


def apply_discount(price: float, percent: int) -> float:
    """Return the price after a percentage discount, at most MAX_DISCOUNT percent.

    >>> apply_discount(100.0, 10)
    90.0
    """
    percent = min(percent, MAX_DISCOUNT)
    return price - price * percent / 100


def total(prices: list[float]) -> float:
    """Add up a basket.

    >>> total([1.5, 2.5])
    4.0
    """
    return sum(prices)


def format_price(amount: float, currency: str = "EUR") -> str:
    """Format an amount for a receipt.

    >>> format_price(3.5)
    '3.50 EUR'
    """
    return f"{amount:.2f} {currency}"
