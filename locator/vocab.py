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


@lru_cache(maxsize=1)
def _vocabularies() -> dict[str, dict[str, str]]:
    """Every vocabulary by its filter name, built once (labels are looked up per result shown)."""
    return {
        "track": TRACKS,
        "type": TYPES,
        "service": SERVICES,
        "segment": SEGMENTS,
        "certification": CERTIFICATIONS,
        "industry": INDUSTRIES,
        "language": languages(),
        "country": countries(),
    }


def vocabulary(kind: str) -> dict[str, str]:
    """Code → label for one vocabulary by its filter name."""
    return _vocabularies()[kind]


VOCABULARY_KINDS = ("track", "type", "service", "segment", "certification", "industry", "language", "country")


def label(kind: str, code: str) -> str:
    return _vocabularies()[kind].get(code, code)


def normalise_code(kind: str, value: str) -> str:
    """Canonical spelling of a code: lower-case slugs, upper-case country codes."""
    value = value.strip()
    return value.upper() if kind == "country" else value.lower()


def is_valid(kind: str, code: str) -> bool:
    return code in vocabulary(kind)


def all_vocabularies() -> dict[str, dict[str, str]]:
    return {kind: dict(vocabulary(kind)) for kind in VOCABULARY_KINDS}


# ---------------------------------------------------------------- other languages and synonyms

TRANSLATED = ("de", "fr", "es", "pt", "ja", "ko", "zh", "he", "ru", "pl")  # label languages of vocab_i18n.yml
NAMED_KINDS = ("service", "segment", "type", "industry", "certification", "language")  # kinds a query's words can name


@lru_cache(maxsize=1)
def _i18n() -> dict:
    """locator/vocab_i18n.yml: hand-written translations and synonyms of the labels (see its header)."""
    from pathlib import Path

    import yaml

    return yaml.safe_load((Path(__file__).with_name("vocab_i18n.yml")).read_text(encoding="utf-8"))


def translated_label(kind: str, code: str, lang: str | None = None) -> str:
    """The label in `lang` (one of TRANSLATED; language names from CLDR), else the English one."""
    if lang and lang != "en":
        if kind == "language":
            from babel import Locale

            name = Locale(lang).languages.get(code)
            if name:
                return name
        names = (_i18n().get(kind, {}).get(code) or {}).get(lang)
        if names:
            return names[0]
    return label(kind, code)


@lru_cache(maxsize=1)
def entry_names() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(name, ((kind, code), ...)) for every name a query may use for a vocabulary entry: the English
    label, the code (not for industries and languages, whose codes are plain words or two letters),
    the translations and synonyms of vocab_i18n.yml and, for languages, their CLDR names in English,
    in the TRANSLATED languages and in themselves."""
    data = _i18n()
    out: dict[str, set[tuple[str, str]]] = {}

    def add(name: str, *entries: tuple[str, str]) -> None:
        out.setdefault(name, set()).update(entries)

    for kind in NAMED_KINDS:
        for code, english in vocabulary(kind).items():
            if kind != "language":
                add(english, (kind, code))
            if kind not in ("industry", "language"):
                add(code.replace("-", " "), (kind, code))
            for key, names in (data.get(kind, {}).get(code) or {}).items():
                for name in names:
                    add(str(name), (kind, code))
    for name, codes in data.get("type_groups", {}).items():
        add(name, *(("type", code) for code in codes))
    for name, code in _language_names():
        add(name, ("language", code))
    return tuple((name, tuple(sorted(entries))) for name, entries in sorted(out.items()))


# Language names that are also ordinary words, or too short to be meant as a language.
_NOT_LANGUAGE_WORDS = frozenset({"interlingue", "volapuk", "ido", "ewe", "twi", "lao", "sango", "tonga", "kongo", "afar",
                                 "swati", "herero", "ndonga", "luba-katanga", "avaric", "church slavic"})


def _language_names() -> list[tuple[str, str]]:
    """(name, ISO 639-1 code) from CLDR: English, the TRANSLATED languages and each language's own name."""
    from babel import Locale
    from babel.core import UnknownLocaleError

    codes = languages()
    found = []
    for lang in ("en", *TRANSLATED):
        names = Locale(lang).languages
        found.extend((names[code], code) for code in codes if names.get(code))
    for code in codes:
        try:
            own = Locale(code).languages.get(code)
        except (UnknownLocaleError, ValueError):
            own = None
        if own:
            found.append((own, code))
    return [(name, code) for name, code in found
            if name.casefold() not in _NOT_LANGUAGE_WORDS and (len(name) >= 4 or not name.isascii())]
