"""CLI commands of this area: `locator search` (the API's parameters as options) and `locator reindex`."""
from __future__ import annotations

import json
from functools import partial

import click

from locator.cli_support import pass_services
from locator.formats import FORMATS, render
from locator.formats.seller_csv import stored_records
from locator.search.params import GEOJSON_FEATURES
from locator.search.filters import FILTERS, Filter
from locator.search.query import SearchQuery


def _filter_option(f: Filter):
    """`--service kubernetes`: a filter as an option, repeatable where the API's parameter is."""
    more = "; repeatable (OR), or comma-separated" if f.repeatable else ""
    return click.option(f"--{f.name}", f.name, multiple=f.repeatable, default=None,
                        help=f"Filter by {f.label.lower()} ({f.kind} codes{more}). {f.note}".strip())


def _search_options(fn):
    """One option per API parameter (filters repeatable), named like the API with dashes."""
    flags = [
        click.option("--q", "q", default=None, help="Free text."),
        click.option("--near", default=None, help="A place: city, 'City, Country', postal code, country."),
        click.option("--lat", default=None), click.option("--lon", default=None),
        click.option("--radius-km", "radius_km", default=None),
        *(_filter_option(f) for f in FILTERS),
        click.option("--include-remote", "include_remote", default=None),
        click.option("--sort", default=None), click.option("--page", default=None),
        click.option("--per-page", "per_page", default=None), click.option("--facets", default=None),
        click.option("--explain", default=None), click.option("--format", "fmt", default="json", type=click.Choice(list(FORMATS)),
                     help="json (the API's body), geojson, or csv (the seller export's spreadsheet columns)."),
        click.option("--geojson-features", "features", default=GEOJSON_FEATURES[0], type=click.Choice(GEOJSON_FEATURES),
                     help="With --format geojson: one feature per partner or per office."),
        click.option("--seller", is_flag=True, help="Search as a seller: unpublished partners and internal fields."),
    ]
    for flag in reversed(flags):
        fn = flag(fn)
    return fn


@click.command("search")
@_search_options
@pass_services
def search_command(services, fmt: str, features: str, seller: bool, **options) -> None:
    """Search like GET /api/v1/search and print the same JSON (or the page as GeoJSON or CSV)."""
    params = {k: list(v) if isinstance(v, tuple) else v for k, v in options.items() if v not in (None, ())}
    query = SearchQuery.from_params(params, services.config, audience="seller" if seller else "public", strict=True)
    results = services.locator.search(query)
    if fmt == "csv":
        body, _ = render(results, fmt, records=partial(stored_records, services.db), places=services.geocoder.gazetteer,
                         base_url=services.config.public_url.rstrip("/"))
        click.echo(body, nl=False)
        return
    body, _ = render(results, fmt, **({"features": features} if fmt == "geojson" else {}))
    click.echo(json.dumps(body, ensure_ascii=False, indent=2))


@click.command("reindex")
@pass_services
def reindex_command(services) -> None:
    """Rebuild the search index from the store (beside the live one, then swap)."""
    report = services.locator.reindex()
    timings = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
    click.echo(f"indexed {report.partners} partners at change {report.marker} into {report.path} ({timings})")


COMMANDS = (search_command, reindex_command)  # registered on `locator` by locator.cli
