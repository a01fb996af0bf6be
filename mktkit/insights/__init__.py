"""Findings: the analysis results ranked and said in plain words (en, zh), each with its number."""

from mktkit.insights.findings import (
    COLUMNS,
    KIND_WEIGHT,
    KINDS,
    SIZE_RULES,
    STATUS_WEIGHT,
    insights,
    insights_for,
)

__all__ = [
    "COLUMNS",
    "KINDS",
    "KIND_WEIGHT",
    "SIZE_RULES",
    "STATUS_WEIGHT",
    "insights",
    "insights_for",
]
