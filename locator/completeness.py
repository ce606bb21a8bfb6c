"""Profile completeness: a 0-100 score, its per-field breakdown and hints to improve it.

WEIGHTS is the one place the weights live; they add up to 100.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

DESCRIPTION_FULL = 400  # characters for full description credit


@dataclass(frozen=True)
class Criterion:
    weight: int
    hint: str
    earned: Callable[[Mapping[str, Any]], float]  # fraction 0..1 of the weight


def _has(key: str) -> Callable[[Mapping[str, Any]], float]:
    return lambda p: 1.0 if (p.get(key) or "").strip() else 0.0


def _count(key: str, full: int) -> Callable[[Mapping[str, Any]], float]:
    return lambda p: min(len(p.get(key) or []), full) / full


def _description(p: Mapping[str, Any]) -> float:
    return min(len((p.get("description") or "").strip()), DESCRIPTION_FULL) / DESCRIPTION_FULL


def _contact(p: Mapping[str, Any]) -> float:
    return 1.0 if (p.get("email") or p.get("phone")) else 0.0


def _located_offices(p: Mapping[str, Any]) -> float:
    offices = p.get("offices") or []
    if not offices:
        return 0.0
    located = sum(1 for o in offices if o.get("lat") is not None and o.get("lon") is not None)
    return located / len(offices)


WEIGHTS: dict[str, Criterion] = {
    "description": Criterion(20, "write a description of at least 400 characters", _description),
    "logo": Criterion(10, "add a logo", _has("logo_url")),
    "website": Criterion(10, "add your website", _has("website")),
    "contact": Criterion(10, "add a contact email or phone", _contact),
    "offices": Criterion(15, "give every office an address we can place on the map", _located_offices),
    "languages": Criterion(10, "list the languages you work in", _count("languages", 2)),
    "services": Criterion(10, "list at least three services you offer", _count("services", 3)),
    "segments": Criterion(5, "say which customer segments you serve", _count("segments", 1)),
    "certifications": Criterion(5, "add your certifications", _count("certifications", 1)),
    "industries": Criterion(5, "name the industries you know", _count("industries", 1)),
}
assert sum(c.weight for c in WEIGHTS.values()) == 100


@dataclass
class Completeness:
    score: int
    breakdown: dict[str, dict[str, float]] = field(default_factory=dict)
    hints: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"score": self.score, "breakdown": self.breakdown, "hints": self.hints}


def score_profile(profile: Mapping[str, Any]) -> Completeness:
    """Score a partner given as a mapping (import record or Partner.as-dict, offices as dicts)."""
    breakdown: dict[str, dict[str, float]] = {}
    hints: list[tuple[float, str]] = []
    total = 0.0
    for name, criterion in WEIGHTS.items():
        earned = round(criterion.weight * max(0.0, min(1.0, criterion.earned(profile))), 1)
        total += earned
        breakdown[name] = {"earned": earned, "max": criterion.weight}
        missing = criterion.weight - earned
        if missing >= 0.5:
            hints.append((missing, f"{criterion.hint}: +{round(missing):d}"))
    hints.sort(key=lambda h: -h[0])
    return Completeness(score=int(round(total)), breakdown=breakdown, hints=[h for _, h in hints])
