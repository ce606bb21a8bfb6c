"""The words a result is shown with: one source for the pages (Jinja), the iframe embed and the widget (which
prints the API's `display`). Each result says why it is where it is: "Offers Kubernetes and Migration ·
3 km from Munich · German · Select partner", or "serves Bavaria remotely from Vienna".

Customers see the facts that make a profile complete ("Website · Email · Logo · 3 services"), not its
percentage: that number is for the partner (and the ranking); sellers see it too.
"""
from __future__ import annotations

from functools import lru_cache
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

# What the search asked for, worked out once per search (not per result): (kind, the result's field of codes or
# None, the codes asked), for the kinds of WANTED that were asked, in its order.
Asked = tuple[tuple[str, "str | None", tuple[str, ...]], ...]

# The facts of a complete profile: the contact details it has, then how many of each list it holds.
CONTACT_FACTS = (("website", "Website"), ("email", "Email"), ("phone", "Phone"), ("logo_url", "Logo"))
COUNTED_FACTS = (("services", "service"), ("languages", "language"), ("certifications", "certification"),
                 ("offices", "office"))


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


def asked_of(query: Mapping[str, Any] | None) -> Asked:
    """What the search asked for of each kind a result can be said to have (see `Asked`)."""
    return tuple((kind, field, tuple(codes)) for kind, field in WANTED if (codes := wanted(query, kind)))


def match_words(item: ResultItem, query: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(kind, words) of what the result has of what was asked (filters and the words the search understood):
    “Offers Kubernetes (Migration not listed)”, “Public sector”, “German”."""
    return _match_words(item, asked_of(query))


def _match_words(item: ResultItem, asked: Asked) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    for kind, field, codes in asked:
        found = set(item.matched.get(kind) or ()).union(getattr(item, field) if field else ())
        has = [vocab.label(kind, c) for c in codes if c in found]
        lacks = [vocab.label(kind, c) for c in codes if c not in found]
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
    return _explanation(item, asked_of(query), distance_words(item, location))


def _explanation(item: ResultItem, asked: Asked, distance: str) -> str:
    matches = _match_words(item, asked)
    parts = [words for kind, words in matches if kind == "service"] + [distance]
    parts += [words for kind, words in matches if kind != "service"] + [f"{vocab.label('track', item.track)} partner"]
    return " · ".join(p for p in parts if p)


def profile_facts(profile: Mapping[str, Any]) -> list[str]:
    """The facts that make a profile complete, of those the mapping holds: “Website”, “Email”, “Logo”,
    “3 services”, “2 languages”, “1 certification”. Cards and profile pages both use it."""
    return list(_profile_facts(*_fact_key(profile)))


def _fact_key(profile: Mapping[str, Any]) -> tuple[tuple[bool, ...], tuple[int, ...]]:
    """Which contact details a profile has and how many of each counted list: all its facts depend on."""
    return (tuple(bool(profile.get(key)) for key, _ in CONTACT_FACTS),
            tuple(len(profile.get(key) or ()) for key, _ in COUNTED_FACTS))


@lru_cache(maxsize=1024)
def _profile_facts(contacts: tuple[bool, ...], counts: tuple[int, ...]) -> tuple[str, ...]:
    facts = [name for (_, name), has in zip(CONTACT_FACTS, contacts) if has]
    facts += [f"{count} {one}{'' if count == 1 else 's'}" for (_, one), count in zip(COUNTED_FACTS, counts) if count]
    return tuple(facts)


def profile_words(profile: Mapping[str, Any], seller: bool = False) -> str:
    """The profile line: its facts, and for sellers its completeness ("profile 57% complete")."""
    return _profile_line(*_fact_key(profile), profile.get("completeness") if seller else None)


@lru_cache(maxsize=4096)
def _profile_line(contacts: tuple[bool, ...], counts: tuple[int, ...], completeness: int | None) -> str:
    parts = list(_profile_facts(contacts, counts))
    if completeness is not None:
        parts.append(f"profile {completeness}% complete")
    return " · ".join(parts)


def facts(item: ResultItem) -> list[dict[str, str]]:
    """The result's facts as label and value (“Languages”, “German, English”); empty ones left out."""
    return [{"label": text, "value": labels(kind, tuple(codes))} for name, kind, text in FACTS if (codes := getattr(item, name))]


@lru_cache(maxsize=4096)
def labels(kind: str, codes: tuple[str, ...]) -> str:
    """“German, English”: the labels of some codes of one vocabulary (keyed by the codes themselves, so never stale)."""
    return ", ".join(vocab.label(kind, c) for c in codes)


def _card_line(item: ResultItem, seller: bool) -> str:
    """`profile_words` of what a result knows of its profile: its website and logo (the other contact details only
    the profile page has), services, languages and located offices; in CONTACT_FACTS' and COUNTED_FACTS' order."""
    return _profile_line((bool(item.website), False, False, bool(item.logo_url)),
                         (len(item.services), len(item.languages), 0, len(item.offices)),
                         item.completeness if seller else None)


def result_display(item: ResultItem, location: Location | None = None, query: Mapping[str, Any] | None = None,
                   seller: bool | None = None) -> dict[str, Any]:
    """Everything a front end prints for one result, in words (the API's `display`). `query`: the search as
    responses echo it; `seller`: whether the reader is a seller (default: the result carries internal fields)."""
    return _result_display(item, location, asked_of(query), seller)


def results_display(items: Iterable[ResultItem], location: Location | None = None,
                    query: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """`result_display` of each result of one search (what was asked worked out once)."""
    asked = asked_of(query)
    return [_result_display(item, location, asked, None) for item in items]


def _result_display(item: ResultItem, location: Location | None, asked: Asked, seller: bool | None) -> dict[str, Any]:
    seller = item.internal is not None if seller is None else seller
    distance = distance_words(item, location)
    return {"explanation": _explanation(item, asked, distance), "distance": distance,
            "track": vocab.label("track", item.track), "track_help": TRACK_HELP.get(item.track, ""),
            "profile": _card_line(item, seller), "facts": facts(item)}
