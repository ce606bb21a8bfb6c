"""Partners for the page, seller and browser tests: a few cities, a Hebrew profile, unpublished and
internal data that must never reach the public, and partners whose every text field is a payload."""
from __future__ import annotations

from sqlalchemy.orm import Session

from tests.factories import make_partner, office

SECRET = "INTERNAL-SECRET-7f3a"
UNPUBLISHED_NAME = "Hidden Unpublished Partner"
PAYLOADS = (
    '<script>window.__xss=1;alert(1)</script>',
    '"><img src=x onerror="window.__xss=1">',
    "</script><script>window.__xss=1</script>",
    "<svg onload=window.__xss=1>",
    "javascript:window.__xss=1",
)
HEBREW = "שותף מוביל בישראל להטמעת GitLab ותמיכה בעברית."
BERLIN, MUNICH, PARIS, HAMBURG = (52.52, 13.405), (48.137, 11.575), (48.8566, 2.3522), (53.5511, 9.9937)


def secret_internal(n: int) -> dict:
    return {"channel_account_manager": f"CAM {SECRET} {n}", "contacts": [{"name": f"{SECRET} contact", "email": "x@example.com"}],
            "notes": f"=HYPERLINK(\"http://evil\") {SECRET}"}


def add_pages_data(session: Session, xss: bool = True, extra_berlin: int = 12) -> dict[str, str]:
    """Store the partners; returns names → slugs of the ones tests refer to."""
    slugs = {}
    p = make_partner(session, name="Acme Berlin DevOps", track="select", languages=["de", "en"],
                     services=["migration", "kubernetes", "training"], segments=["enterprise"], types=["gsi"],
                     description="Kubernetes migration and training in Berlin. " * 12, website="https://acme.example",
                     email="hello@acme.example", phone="+49 30 1234567", certifications=["kcsp"], industries=["finance"],
                     offices=[office(*BERLIN, label="Berlin HQ", headquarters=True, address="Unter den Linden 1")],
                     internal=secret_internal(1))
    slugs["acme"] = p.slug
    p = make_partner(session, name="München Cloud Partner", languages=["de"], services=["consulting"],
                     segments=["smb"], offices=[office(*MUNICH, city="Munich", label="München")], internal=secret_internal(2))
    slugs["munich"] = p.slug
    p = make_partner(session, name="Paris Conseil", languages=["fr", "en"], services=["consulting", "support"],
                     segments=["mid-market"], types=["rsi"], offices=[office(*PARIS, city="Paris", country="FR")],
                     logo_url="https://logos.invalid/paris-conseil.png")  # never loads: the page shows the initial
    slugs["paris"] = p.slug
    p = make_partner(session, name="Remote Europe Services", languages=["en", "de"], services=["managed-services"],
                     types=["msp"], countries_served=["DE", "FR"], offices=[office(40.4168, -3.7038, city="Madrid", country="ES")])
    slugs["remote"] = p.slug
    p = make_partner(session, name="Tel Aviv Partner", languages=["he", "en"], description=HEBREW,
                     offices=[office(32.0853, 34.7818, city="Tel Aviv", country="IL")])
    slugs["hebrew"] = p.slug
    p = make_partner(session, name=UNPUBLISHED_NAME, published=False, languages=["de"], services=["migration"],
                     offices=[office(*BERLIN)], internal=secret_internal(3))
    slugs["unpublished"] = p.slug
    for i in range(extra_berlin):
        make_partner(session, name=f"Berlin Partner {i:02d}", languages=["de"] if i % 2 else ["en"],
                     services=["support"] if i % 3 else ["kubernetes"],
                     offices=[office(BERLIN[0] + 0.01 * i, BERLIN[1] + 0.01 * i, label=f"Office {i}")],
                     track="select" if i % 4 == 0 else "open")
    if xss:
        for n, payload in enumerate(PAYLOADS):
            p = make_partner(session, name=f"XSS {n} {payload}", description=payload, website=payload,
                             logo_url=payload, email=payload, phone=payload[:60],
                             offices=[office(HAMBURG[0] + 0.01 * n, HAMBURG[1], label=payload, city=payload,
                                             address=payload, region=payload, postal_code=payload[:20])])
            slugs[f"xss{n}"] = p.slug
    return slugs
