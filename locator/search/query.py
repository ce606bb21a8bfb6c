"""SearchQuery: a validated, normalised search, parsed once from API, page or CLI parameters."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from locator.search import filters
from locator.search.params import PARAMETERS, SORTS, parse  # noqa: F401 (SORTS: for callers)

if TYPE_CHECKING:
    from locator.config import Config

FACETS = filters.FACETS


def _with_filters(cls):
    """One field per registered filter, after radius_km: a tuple of codes, or (not repeatable) one code or None."""
    own = dict(cls.__annotations__)
    cls.__annotations__.clear()
    for name, hint in own.items():
        cls.__annotations__[name] = hint
        if name == "radius_km":
            for f in filters.FILTERS:
                cls.__annotations__[f.name] = "tuple[str, ...]" if f.repeatable else "str | None"
                setattr(cls, f.name, () if f.repeatable else None)
    return cls


@dataclass(frozen=True)
@_with_filters
class SearchQuery:
    """A search; its filter fields (language, service, ..., track) come from locator.search.filters."""

    q: str = ""
    near: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None  # None: the configured default when a location is given
    include_remote: bool = True
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: tuple[str, ...] = ()
    explain: bool = False
    audience: Literal["public", "seller"] = "public"  # sellers see unpublished partners and internal fields
    context_country: str | None = None  # the visitor's country (Accept-Language): how a bare "80331" or "London" is read

    @classmethod
    def from_params(
        cls, params: Any, config: Config, audience: str = "public", strict: bool = False, allowed_extra: tuple[str, ...] = ()
    ) -> "SearchQuery":
        """Parse and validate request parameters (a MultiDict, or a mapping of str or list values).

        Raises InvalidParameter naming the field. `strict`: unknown parameters are errors too."""
        return parse(cls, params, config, audience, strict, allowed_extra)

    def values(self, name: str) -> tuple[str, ...]:
        """A filter's chosen codes (none, one or several, whether or not it is repeatable)."""
        value = getattr(self, name)
        return value if isinstance(value, tuple) else (value,) if value else ()

    @property
    def has_location(self) -> bool:
        return bool(self.near) or self.lat is not None

    def echo(self) -> dict[str, Any]:
        """The normalised query as responses echo it (no audience, no extras)."""
        body = {k: getattr(self, k) for k in PARAMETERS}
        for k, v in body.items():
            if isinstance(v, tuple):
                body[k] = list(v)
        return body
