"""Profile completeness: weights sum to 100, the score grows with every field, hints add up."""
from __future__ import annotations

import pytest

from locator.completeness import WEIGHTS, score_profile
from tests.factories import office


def empty():
    return {"id": "x", "name": "X", "description": "", "offices": [], "languages": [], "services": [],
            "segments": [], "certifications": [], "industries": []}


FILLS = {
    "description": lambda p: p.update(description="d" * 400),
    "logo": lambda p: p.update(logo_url="https://example.com/l.png"),
    "website": lambda p: p.update(website="https://example.com"),
    "contact": lambda p: p.update(email="a@example.com"),
    "offices": lambda p: p.update(offices=[office()]),
    "languages": lambda p: p.update(languages=["en", "de"]),
    "services": lambda p: p.update(services=["training", "support", "migration"]),
    "segments": lambda p: p.update(segments=["smb"]),
    "certifications": lambda p: p.update(certifications=["kcsp"]),
    "industries": lambda p: p.update(industries=["retail"]),
}


def test_weights_sum_to_100_and_every_criterion_is_exercised():
    assert sum(c.weight for c in WEIGHTS.values()) == 100
    assert set(FILLS) == set(WEIGHTS)


def test_empty_and_full_profiles():
    assert score_profile(empty()).score == 0
    full = empty()
    for fill in FILLS.values():
        fill(full)
    result = score_profile(full)
    assert result.score == 100 and result.hints == []


@pytest.mark.parametrize("name", list(FILLS))
def test_each_field_raises_the_score_by_its_weight(name):
    profile = empty()
    base = score_profile(profile)
    FILLS[name](profile)
    after = score_profile(profile)
    assert after.score - base.score == WEIGHTS[name].weight
    assert after.breakdown[name]["earned"] == WEIGHTS[name].weight
    assert len(after.hints) == len(base.hints) - 1


def test_score_is_monotone_in_partial_fields():
    profile = empty()
    scores = []
    for length in (0, 50, 200, 400, 800):
        profile["description"] = "d" * length
        scores.append(score_profile(profile).score)
    assert scores == sorted(scores) and scores[0] < scores[-1] and scores[-2] == scores[-1]
    profile["offices"] = [office(), office(lat=None, lon=None)]
    half = score_profile(profile).breakdown["offices"]["earned"]
    profile["offices"] = [office(), office()]
    assert half < score_profile(profile).breakdown["offices"]["earned"]


def test_hints_add_up_to_what_is_missing():
    profile = empty()
    FILLS["logo"](profile)
    profile["description"] = "d" * 100
    result = score_profile(profile)
    promised = sum(int(h.rsplit("+", 1)[1]) for h in result.hints)
    assert promised + result.score == 100
    assert result.hints[0].startswith("write a description")  # biggest gain first
