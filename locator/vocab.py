"""Controlled vocabularies: partner types, tracks, services, segments, certifications, industries,
ISO 639-1 languages and ISO 3166-1 alpha-2 countries, with their display labels."""
from __future__ import annotations

import re
from functools import lru_cache

TRACKS = {"select": "Select", "open": "Open"}

TYPES = {
    "reseller-var": "Value-added reseller",
    "reseller-dmr": "Digital marketplace reseller",
    "distributor": "Distributor",
    "gsi": "Global systems integrator",
    "rsi": "Regional systems integrator",
    "boutique-si": "Boutique systems integrator",
    "msp": "Managed service provider",
    "alliance": "Alliance partner",
}

SERVICES = {
    "implementation": "Implementation",
    "migration": "Migration",
    "training": "Training",
    "managed-services": "Managed services",
    "support": "Support",
    "consulting": "Consulting",
    "ci-cd": "CI/CD",
    "devsecops": "DevSecOps",
    "cloud-native": "Cloud native",
    "kubernetes": "Kubernetes",
    "licensing": "Licensing",
    "professional-services": "Professional services",
    "agile-planning": "Agile planning",
    "value-stream": "Value stream management",
    "security-audit": "Security audit",
    "observability": "Observability",
    "infrastructure-as-code": "Infrastructure as code",
    "custom-development": "Custom development",
}

SEGMENTS = {
    "smb": "Small business",
    "mid-market": "Mid-market",
    "enterprise": "Enterprise",
    "public-sector": "Public sector",
}

CERTIFICATIONS = {
    "gitlab-certified-associate": "GitLab Certified Associate",
    "gitlab-professional-services": "GitLab Professional Services Engineer",
    "gitlab-security-specialist": "GitLab Security Specialist",
    "gitlab-cicd-specialist": "GitLab CI/CD Specialist",
    "gitlab-project-management": "GitLab Project Management Specialist",
    "kcsp": "Kubernetes Certified Service Provider",
    "ktp": "Kubernetes Training Partner",
    "cka": "Certified Kubernetes Administrator",
    "aws-partner": "AWS Partner",
    "gcp-partner": "Google Cloud Partner",
    "azure-partner": "Microsoft Azure Partner",
    "iso-27001": "ISO/IEC 27001",
}

INDUSTRIES = {
    "finance": "Financial services",
    "telecom": "Telecommunications",
    "public": "Government",
    "healthcare": "Healthcare",
    "manufacturing": "Manufacturing",
    "retail": "Retail",
    "automotive": "Automotive",
    "energy": "Energy",
    "education": "Education",
    "media": "Media",
    "technology": "Technology",
    "security": "Security and defence",
    "logistics": "Logistics",
}


# Country labels where neither pycountry's nor CLDR's English name reads well on its own.
COUNTRY_LABELS = {"CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo"}
_QUALIFIER = re.compile(r"\s*\([^)]*\)")


def _plain(name: str) -> str:
    """A name without ISO qualifiers: 'Malay (macrolanguage)' -> 'Malay'."""
    return " ".join(_QUALIFIER.sub("", name).split())


@lru_cache(maxsize=1)
def languages() -> dict[str, str]:
    """ISO 639-1 code → English name as CLDR writes it ('Greek', not 'Modern Greek (1453-)')."""
    import pycountry
    from babel import Locale

    cldr = Locale("en").languages
    return {lang.alpha_2: _plain(cldr.get(lang.alpha_2) or lang.name)
            for lang in pycountry.languages if hasattr(lang, "alpha_2")}


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → English common name; inverted or qualified ISO names
    ('Virgin Islands, British') give way to CLDR's ('British Virgin Islands')."""
    import pycountry
    from babel import Locale

    cldr = Locale("en").territories
    names = {}
    for c in pycountry.countries:
        name = getattr(c, "common_name", c.name)
        if "(" in name or ", " in name:
            name = _plain(cldr.get(c.alpha_2) or name)
        names[c.alpha_2] = COUNTRY_LABELS.get(c.alpha_2, name)
    return names


def vocabulary(kind: str) -> dict[str, str]:
    """Code → label for one vocabulary by its filter name."""
    return {
        "track": TRACKS,
        "type": TYPES,
        "service": SERVICES,
        "segment": SEGMENTS,
        "certification": CERTIFICATIONS,
        "industry": INDUSTRIES,
        "language": languages(),
        "country": countries(),
    }[kind]


VOCABULARY_KINDS = ("track", "type", "service", "segment", "certification", "industry", "language", "country")


def label(kind: str, code: str) -> str:
    return vocabulary(kind).get(code, code)


def normalise_code(kind: str, value: str) -> str:
    """Canonical spelling of a code: lower-case slugs, upper-case country codes."""
    value = value.strip()
    return value.upper() if kind == "country" else value.lower()


def is_valid(kind: str, code: str) -> bool:
    return code in vocabulary(kind)


def all_vocabularies() -> dict[str, dict[str, str]]:
    return {kind: dict(vocabulary(kind)) for kind in VOCABULARY_KINDS}
