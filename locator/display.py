"""The words a result is shown with: one source for the pages (Jinja), the iframe embed and the widget (which
prints the API's `display`). Each result says why it is where it is: "Offers Kubernetes and Migration ·
3 km from Munich · German · Select partner", or "serves Bavaria remotely from Vienna".

Customers see the facts that make a profile complete ("Website · Email · Logo · 3 services"), not its
percentage: that number is for the partner (and the ranking); sellers see it too.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from locator import vocab
from locator.geocoding.location import Location
from locator.search.results import ResultItem

# The facts line under a result: (field, vocabulary, label).
FACTS = (("languages", "language", "Languages"), ("services", "service", "Services"))

# What the tracks of GitLab's channel program mean, in one line each (the legend of the page and the widget).
TRACKS = (
    ("select", "GitLab's highest partner tier, by invitation: partners with a deeper investment in GitLab "
               "expertise and services. Ranked slightly higher."),
    ("open", "The program's entry tier, open to every partner that meets its requirements."),
)
TRACK_HELP = dict(TRACKS)
ORDER_NOTE = "Results are ordered by how well they match your search, distance, how complete the profile is, and track."

# What a searcher can ask for that a result can be said to have: (vocabulary kind, the result's field of
# codes, or None where only the search's `matched` says). The order is the sentence's.
WANTED = (("service", "services"), ("segment", "segments"), ("type", "types"), ("industry", None),
          ("certification", None), ("language", "languages"))


def track_legend() -> list[dict[str, str]]:
    """[{code, label, help}] of the tracks, for the legend on the page and in the widget."""
    return [{"code": code, "label": vocab.label("track", code), "help": help_} for code, help_ in TRACKS]


def place_name(location: Location) -> str:
    """The searched place as a sentence names it: "Munich" for "Munich, Germany"."""
    return location.label.split(",")[0].strip() or location.label


def distance_words(item: ResultItem, location: Location | None = None) -> str:
    """“in Munich”, “3.4 km from Munich”, “1,204 km away” (from a point), “office in Nuremberg, Bavaria” or
    “serves Bavaria remotely from Vienna”."""
    if location is None:
        return ""
    place = place_name(location)
    area = location.is_area
    if item.serves_remotely:
        where = place if area or location.kind != "point" else "this area"
        origin = remote_origin(item)
        return f"serves {where} remotely" + (f" from {origin}" if origin else "")
    if area:  # a distance from a region's or country's centre means nothing to the reader: say which town
        town = item.nearest_office.city if item.nearest_office is not None else None
        return f"office in {town}, {place}" if town and town != place else f"office in {place}"
    if item.distance_km is None:
        return ""
    km = item.distance_km
    if km < 0.5 and location.kind == "city":  # an office placed at the city itself (a city's point is its centre)
        return f"in {place}"
    amount = f"{km:.1f} km" if km < 10 else f"{km:,.0f} km"
    return f"{amount} away" if location.kind == "point" else f"{amount} from {place}"


def remote_origin(item: ResultItem) -> str | None:
    """Where a partner serving remotely works from: the search's `remote_from`, else its nearest office's city."""
    if item.remote_from:
        return item.remote_from
    office = item.nearest_office
    return office.city if office is not None and office.city else None


def wanted(query: Mapping[str, Any] | None, key: str) -> list[str]:
    """The codes of one kind the searcher asked for: the filter's values, then those the words named
    (`query.understood`), without repeats."""
    if not query:
        return []
    understood = query.get("understood") or {}
    codes: list[str] = []
    for code in [*_as_list(query.get(key)), *_as_list(understood.get(key))]:
        if code not in codes:
            codes.append(code)
    return codes


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]


def and_list(words: Iterable[str]) -> str:
    """“A”, “A and B”, “A, B and C”."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else ""


def match_words(item: ResultItem, query: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(kind, words) of what the result has of what was asked (filters and the words the search understood):
    “Offers Kubernetes (Migration not listed)”, “Public sector”, “German”."""
    parts: list[tuple[str, str]] = []
    for kind, field in WANTED:
        asked = wanted(query, kind)
        if not asked:
            continue
        found = set(item.matched.get(kind) or ()) | set(getattr(item, field) if field else ())
        has = [vocab.label(kind, c) for c in asked if c in found]
        lacks = [vocab.label(kind, c) for c in asked if c not in found]
        if kind == "service":
            unlisted = f"{and_list(lacks)} not listed"  # not among its services (its text may mention it)
            if not has:
                words = unlisted
            else:
                words = f"Offers {and_list(has)}" + (f" ({unlisted})" if lacks else "")
            parts.append((kind, words))
        elif has:
            parts.append((kind, and_list(has)))
    return parts


def explanation(item: ResultItem, location: Location | None = None, query: Mapping[str, Any] | None = None) -> str:
    """Why the result is where it is, in words: what it offers of what was asked, how far it is (or whence it
    serves the place), the languages asked that it speaks, and its track."""
    matches = match_words(item, query)
    parts = [words for kind, words in matches if kind == "service"] + [distance_words(item, location)]
    parts += [words for kind, words in matches if kind != "service"] + [f"{vocab.label('track', item.track)} partner"]
    return " · ".join(p for p in parts if p)


def profile_facts(profile: Mapping[str, Any]) -> list[str]:
    """The facts that make a profile complete, of those the mapping holds: “Website”, “Email”, “Logo”,
    “3 services”, “2 languages”, “1 certification”. Cards and profile pages both use it."""
    facts = [name for key, name in (("website", "Website"), ("email", "Email"), ("phone", "Phone"), ("logo_url", "Logo"))
             if profile.get(key)]
    for key, one in (("services", "service"), ("languages", "language"), ("certifications", "certification"),
                     ("offices", "office")):
        count = len(profile.get(key) or [])
        if count:
            facts.append(f"{count} {one}{'' if count == 1 else 's'}")
    return facts


def profile_words(profile: Mapping[str, Any], seller: bool = False) -> str:
    """The profile line: its facts, and for sellers its completeness ("profile 57% complete")."""
    parts = profile_facts(profile)
    if seller and profile.get("completeness") is not None:
        parts.append(f"profile {profile['completeness']}% complete")
    return " · ".join(parts)


def facts(item: ResultItem) -> list[dict[str, str]]:
    """The result's facts as label and value (“Languages”, “German, English”); empty ones left out."""
    return [{"label": text, "value": ", ".join(vocab.label(kind, c) for c in getattr(item, name))}
            for name, kind, text in FACTS if getattr(item, name)]


def _card_profile(item: ResultItem) -> dict[str, Any]:
    """What a result knows of its profile (its located offices; contact details only the profile page has)."""
    return {"website": item.website, "logo_url": item.logo_url, "services": item.services,
            "languages": item.languages, "offices": item.offices, "completeness": item.completeness}


def result_display(item: ResultItem, location: Location | None = None, query: Mapping[str, Any] | None = None,
                   seller: bool | None = None) -> dict[str, Any]:
    """Everything a front end prints for one result, in words (the API's `display`). `query`: the search as
    responses echo it; `seller`: whether the reader is a seller (default: the result carries internal fields)."""
    seller = item.internal is not None if seller is None else seller
    return {"explanation": explanation(item, location, query), "distance": distance_words(item, location),
            "track": vocab.label("track", item.track), "track_help": TRACK_HELP.get(item.track, ""),
            "profile": profile_words(_card_profile(item), seller), "facts": facts(item)}
