"""Language and country labels read as people write them: no ISO qualifiers or inverted names."""
from __future__ import annotations

import pytest

from locator import vocab


def test_no_language_label_carries_an_iso_qualifier():
    labels = vocab.languages()
    assert len(labels) > 180
    leaking = {code: name for code, name in labels.items() if "(" in name or "macrolanguage" in name.lower()}
    assert leaking == {}


@pytest.mark.parametrize("code,name", [("el", "Greek"), ("sw", "Swahili"), ("ms", "Malay"), ("ne", "Nepali"),
                                       ("de", "German"), ("he", "Hebrew"), ("ko", "Korean"), ("pa", "Punjabi")])
def test_language_labels(code, name):
    assert vocab.label("language", code) == name


def test_no_country_label_is_inverted_or_qualified():
    labels = vocab.countries()
    assert len(labels) > 240
    odd = {code: name for code, name in labels.items() if "(" in name or ", " in name and " of" in name}
    assert odd == {}


@pytest.mark.parametrize("code,name", [("DE", "Germany"), ("US", "United States"), ("KR", "South Korea"),
                                       ("VG", "British Virgin Islands"), ("FM", "Micronesia"),
                                       ("CD", "Democratic Republic of the Congo"), ("VA", "Vatican City")])
def test_country_labels(code, name):
    assert vocab.label("country", code) == name
