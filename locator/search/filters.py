"""The search filters, declared once. Every surface derives from FILTERS: SearchQuery's fields, the
parser, the read model's columns and row masks, the facets, the page's filter groups, the embed's
locks, the widget's injected config and the configurator, the OpenAPI parameters and `locator search`.

Values within one filter are OR, filters are AND. Adding a filter is one entry here (plus its
vocabulary in locator.vocab and, if the store lacks it, its Partner column)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filter:
    name: str  # the parameter, the SearchQuery field, the facet and (unless `vocabulary`) the vocabulary kind
    column: str | None  # the Partner column of its codes (a JSON list; one code if not repeatable); None: computed
    label: str  # one value's name: "Drop the filter Language: German"
    plural: str  # a list of values: "Languages"
    repeatable: bool = True  # several values (repeated or comma-separated); else one value or none
    faceted: bool = True  # counted by `facets=` (disjunctively: a facet's counts ignore its own filter)
    on_page: bool = True  # a filter group on the search pages (and the embed)
    in_widget: bool = True  # offered by the widget and the configurator, and lockable in embeds
    vocabulary: str = ""  # the locator.vocab kind, when it is not `name`
    note: str = ""  # what a match means, when the name does not say it

    @property
    def kind(self) -> str:
        """The vocabulary kind its values come from."""
        return self.vocabulary or self.name

    @property
    def legend(self) -> str:
        """The heading of its group of options: plural where several can be chosen."""
        return self.plural if self.repeatable else self.label


FILTERS: tuple[Filter, ...] = (
    Filter("language", "languages", "Language", "Languages"),
    Filter("service", "services", "Service", "Services"),
    Filter("segment", "segments", "Customer segment", "Customer segments"),
    Filter("type", "types", "Partner type", "Partner types"),
    Filter("industry", "industries", "Industry", "Industries"),
    Filter("track", "track", "Track", "Tracks", repeatable=False),
    Filter("country", None, "Country", "Countries", on_page=False, in_widget=False,
           note="Matches an office in, or service of, the country."),
    Filter("certification", "certifications", "Certification", "Certifications", faceted=False, on_page=False,
           in_widget=False),
)

BY_NAME = {f.name: f for f in FILTERS}
NAMES = tuple(BY_NAME)
FACETS = tuple(f.name for f in FILTERS if f.faceted)
ON_PAGE = tuple(f for f in FILTERS if f.on_page)
IN_WIDGET = tuple(f for f in FILTERS if f.in_widget)
# The read model holds these as CSR rows of their Partner list column (country is computed from offices).
LIST_COLUMNS = {f.name: f.column for f in FILTERS if f.repeatable and f.column}
