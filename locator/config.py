"""Every setting, its default and one line of help; each reads LOCATOR_<NAME> from the environment."""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

ROOT = Path(__file__).resolve().parent.parent


def setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass
class Config:
    database_url: str = setting(
        f"sqlite:///{ROOT / 'instance' / 'locator.sqlite'}",
        "SQLAlchemy URL of the store: sqlite:///path (SpatiaLite) or postgresql+psycopg://... (PostGIS).",
    )
    index_dir: str = setting(str(ROOT / "index"), "Directory of the Whoosh full-text index.")
    spatialite_library: str = setting(
        "mod_spatialite", "Name or path of the SpatiaLite extension loaded into SQLite."
    )
    geocoder: str = setting(
        "offline", "Geocoder for unknown places: 'offline' (gazetteer only) or 'nominatim' (geopy)."
    )
    nominatim_url: str = setting(
        "https://nominatim.openstreetmap.org", "Base URL of the Nominatim service used by geopy."
    )
    geocoder_user_agent: str = setting(
        "partner-locator/0.1", "User-Agent sent to the online geocoder (Nominatim requires one)."
    )
    geocoder_min_delay_s: float = setting(
        1.0, "Minimum seconds between online geocoder calls (geopy RateLimiter)."
    )
    gazetteer_min_population: int = setting(
        1000, "Smallest city population the offline gazetteer knows (GeoNames cities1000/5000/15000)."
    )
    default_radius_km: float = setting(100.0, "Search radius when a location is given without one.")
    max_radius_km: float = setting(20000.0, "Largest radius a search may ask for.")
    max_per_page: int = setting(100, "Largest page size a search may ask for.")
    max_query_length: int = setting(200, "Longest free-text query accepted, in characters.")
    max_filter_values: int = setting(20, "Most values one repeatable filter may carry.")
    weight_text: float = setting(0.45, "Ranking weight of text relevance (0..1 scaled).")
    weight_distance: float = setting(0.30, "Ranking weight of the distance decay.")
    weight_completeness: float = setting(0.20, "Ranking weight of profile completeness.")
    weight_track: float = setting(0.05, "Ranking weight of the Select track.")
    distance_scale_km: float = setting(
        50.0, "Distance at which the exponential distance decay has fallen to one half."
    )
    remote_distance_km: float = setting(
        250.0, "Least distance a partner serving the location remotely ranks at (else its nearest office's distance)."
    )
    cors_origins: str = setting(
        "*", "Comma list of origins allowed to call the API cross-origin (the embed widget); '*' for any."
    )
    tile_url: str = setting(
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "Map tile URL template for the pages."
    )
    tile_attribution: str = setting(
        "© OpenStreetMap contributors", "Attribution shown under the map tiles."
    )
    secret_key: str = setting(
        "", "Secret key signing session cookies, the same on every worker and node; empty: generated once into "
        "instance_dir/secret_key (SpatiaLite only; a PostGIS store refuses to start without one)."
    )
    index_poll_s: float = setting(
        0.5, "How often a node checks the store's change marker to refresh its read model, in seconds."
    )
    public_url: str = setting(
        "", "Public base URL of this service (widget snippets, CSV links); empty: from the request's host if allowed."
    )
    warm_on_start: bool = setting(
        True, "Load the search read model and gazetteer when the app starts (not in testing), so the first request is fast."
    )
    rebuild_delta: int = setting(
        5000, "A change to more partners than this rebuilds the index in the background instead of growing the overlay."
    )
    instance_dir: str = setting(
        str(ROOT / "instance"), "Folder for this machine's own files (the generated secret key when none is set)."
    )
    session_idle_minutes: int = setting(
        480, "Minutes without a request after which a signed-in browser session ends."
    )
    allowed_hosts: str = setting(
        "localhost,127.0.0.1,[::1]", "Comma list of host names (any port; '.example.com' for subdomains too) whose "
        "Host header may build absolute URLs when public_url is empty; others get a 400 on pages that need one."
    )
    build_in_child: bool = setting(
        True, "Run the index builds a serving process needs (first start, big changes) in a child process."
    )
    smtp_url: str = setting(
        "", "SMTP server for outgoing mail: smtp://[user:password@]host:port or smtp+starttls://... (smtps:// for "
        "TLS from the start); empty: messages are written to instance_dir/outbox/ as .eml files."
    )
    mail_from: str = setting("Partner Locator <noreply@localhost>", "Sender (From) of the mail the locator sends.")
    sign_in_link_minutes: int = setting(15, "Minutes a one-time sign-in link stays valid.")
    invite_link_hours: int = setting(72, "Hours the sign-in link in an admin's invitation stays valid.")
    sign_in_limit_per_address: int = setting(
        5, "Most sign-in links requested for one email address per sign_in_limit_minutes (then 429)."
    )
    sign_in_limit_per_client: int = setting(
        20, "Most sign-in links requested from one client address per sign_in_limit_minutes (then 429)."
    )
    sign_in_limit_minutes: int = setting(15, "The window of the sign-in request limits, in minutes.")
    logo_max_bytes: int = setting(2 * 1024 * 1024, "Largest logo file a partner may upload, in bytes.")
    logo_max_pixels: int = setting(
        8_000_000, "Most pixels (width × height) an uploaded logo may have; checked before it is decoded."
    )
    ratelimit_storage_uri: str = setting(
        "memory://", "Where rate-limit counters live: memory:// (each worker process its own) or one store shared "
        "by every worker and node, e.g. redis://host:6379/0 (needs the redis package)."
    )
    ratelimit_search: str = setting(
        "120/minute;3000/hour", "Searches per client (API, search page, seller search share it); Flask-Limiter syntax."
    )
    ratelimit_suggest: str = setting("300/minute", "Suggest (as-you-type) requests per client.")
    ratelimit_geocode: str = setting("60/minute;1000/hour", "Geocode requests per client.")
    ratelimit_sign_in: str = setting("10/minute;50/hour", "Sign-in form posts per client (every sign-in form).")
    ratelimit_forms: str = setting("30/minute;300/hour", "Posts per client to any other form.")
    proxy_hops: int = setting(
        0, "Reverse proxies in front whose X-Forwarded-For names the client (for rate limits); 0: the peer address."
    )
    metrics_token: str = setting(
        "", "Bearer token that may read /metrics from anywhere; empty: only direct requests from this machine (loopback)."
    )
    ready_max_lag: int = setting(
        1000, "/readyz answers 503 while the read model is more than this many changes behind the store."
    )
    request_log: bool = setting(True, "Write one JSON line per request to stderr (no query values, no addresses).")
    insights: bool = setting(True, "Record public searches for /admin/insights (coarsened place, no personal data).")
    insights_buffer: int = setting(10000, "Most search events held in memory before the oldest are dropped (counted).")
    insights_flush_s: float = setting(2.0, "How often the insights writer thread writes its buffered events, in seconds.")
    insights_batch: int = setting(500, "Buffered events that wake the insights writer before its interval.")
    ratelimit_leads: str = setting("5/minute;20/hour", "Contact requests (leads) per client, page form and API alike.")
    lead_limit_per_partner: int = setting(30, "Most contact requests one partner receives per hour (then 429); 0: no limit.")
    lead_min_fill_s: float = setting(3.0, "Least seconds between loading a contact form and sending it (faster: a bot).")
    lead_reminder_days: int = setting(3, "Days a lead may stay 'new' before it is flagged to the channel team.")
    lead_retention_days: int = setting(365, "Days a lead is kept; `locator purge` deletes older ones.")
    index_publish: bool = setting(
        True, "Publish each full index build into the store, so a node without an index copies it instead of building."
    )
    testing: bool = setting(False, "Testing mode (Flask TESTING).")

    @classmethod
    def from_env(cls, overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None) -> "Config":
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(f"LOCATOR_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _coerce(f.type, raw, f.name)
        values.update(overrides or {})
        return cls(**values)

    @classmethod
    def help(cls) -> dict[str, str]:
        return {f.name: f.metadata.get("help", "") for f in dataclasses.fields(cls)}


def settings_table() -> str:
    """The README's table of every setting (`locator settings` prints it; a test keeps the README current)."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for f in dataclasses.fields(Config):
        default = str(f.default).replace(str(ROOT) + "/", "").replace(str(ROOT), ".")
        default = f"`{default}`" if default != "" else "(empty)"
        meaning = f.metadata.get("help", "").replace("|", "\\|")
        rows.append(f"| `LOCATOR_{f.name.upper()}` | {default.replace('|', chr(92) + '|')} | {meaning} |")
    return "\n".join(rows) + "\n"


def _coerce(kind: Any, raw: str, name: str) -> Any:
    kind = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    try:
        if kind == "bool":
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise SystemExit(f"LOCATOR_{name.upper()}={raw!r} is not a valid {kind}") from None
    return raw
