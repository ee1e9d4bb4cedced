"""Receipt numbers."""


def receipt_id(order: int) -> str:
    return f"R-{order:06d}"
