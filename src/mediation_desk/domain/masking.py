"""Masking of personal data for printouts that leave the office (DOMAIN.md §8)."""

from __future__ import annotations

from .idcard import mask_id_number
from .phone import mask_phone

__all__ = ["mask_id_number", "mask_phone", "mask_name"]


def mask_name(name: str | None) -> str:
    """Keep the first character (the surname) and, for names of 3+ characters, the last:
    "张三" → "张*", "张小三" → "张*三", "欧阳小明" → "欧**明". Blank → ""."""
    s = (name or "").strip()
    if len(s) <= 1:
        return s
    if len(s) == 2:
        return s[0] + "*"
    return s[0] + "*" * (len(s) - 2) + s[-1]
