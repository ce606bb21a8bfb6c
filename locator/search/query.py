"""SearchQuery: a validated, normalised search, parsed once from API, page or CLI parameters."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from locator.config import Config

FILTERS = ("language", "service", "segment", "type", "country", "certification")
SORTS = ("relevance", "distance", "completeness", "name")
FACETS = ("language", "service", "segment", "type", "track", "country")


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    near: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None  # None: the configured default when a location is given
    language: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    segment: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    certification: tuple[str, ...] = ()
    track: str | None = None
    include_remote: bool = True
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: tuple[str, ...] = ()
    explain: bool = False
    audience: Literal["public", "seller"] = "public"  # sellers see unpublished partners and internal fields

    @classmethod
    def from_params(
        cls, params: Any, config: Config, audience: str = "public", strict: bool = False, allowed_extra: tuple[str, ...] = ()
    ) -> "SearchQuery":
        """Parse and validate request parameters (a MultiDict, or a mapping of str or list values).

        Raises InvalidParameter naming the field. `strict`: unknown parameters are errors too."""
        from locator.search.params import parse

        return parse(cls, params, config, audience, strict, allowed_extra)

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


PARAMETERS = (
    "q", "near", "lat", "lon", "radius_km", *FILTERS, "track", "include_remote",
    "sort", "page", "per_page", "facets", "explain",
)
