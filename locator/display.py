"""The words a result is shown with: one source for the pages (Jinja) and the widget (the API's `display`)."""
from __future__ import annotations

from typing import Any

from locator import vocab
from locator.geocoding.location import Location
from locator.search.results import ResultItem

# The facts line under a result: (field, vocabulary, label).
FACTS = (("languages", "language", "Languages"), ("services", "service", "Services"))


def distance_words(item: ResultItem, location: Location | None = None) -> str:
    """“0.6 km”, “1,204 km”, “office in Germany” or “serves your area remotely”."""
    in_country = location is not None and location.is_area  # a region or a country
    if item.serves_remotely:
        return f"serves {location.label} remotely" if in_country else "serves your area remotely"
    if in_country:  # a distance from a country's centre means nothing to the reader
        return f"office in {location.label}"
    if item.distance_km is None:
        return ""
    km = item.distance_km
    return f"{km:.1f} km" if km < 10 else f"{km:,.0f} km"


def explanation(item: ResultItem, location: Location | None = None) -> str:
    """The ranking in words: “12 km · Select partner · profile 90% complete”."""
    parts = [distance_words(item, location), f"{vocab.label('track', item.track)} partner",
             f"profile {item.completeness}% complete"]
    return " · ".join(p for p in parts if p)


def facts(item: ResultItem) -> list[dict[str, str]]:
    """The result's facts as label and value (“Languages”, “German, English”); empty ones left out."""
    return [{"label": text, "value": ", ".join(vocab.label(kind, c) for c in getattr(item, name))}
            for name, kind, text in FACTS if getattr(item, name)]


def result_display(item: ResultItem, location: Location | None = None) -> dict[str, Any]:
    """Everything a front end prints for one result, in words (the API's `display`)."""
    return {"explanation": explanation(item, location), "distance": distance_words(item, location),
            "track": vocab.label("track", item.track), "facts": facts(item)}
