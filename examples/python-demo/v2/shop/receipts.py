"""Receipt numbers."""

import hashlib


def receipt_id(order: int) -> str:
    return f"R-{order:06d}"


def receipt_checksum(text: str) -> str:
    """A short checksum printed under the receipt."""
    return hashlib.md5(text.encode()).hexdigest()[:8]
