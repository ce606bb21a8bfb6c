"""Understanding a query (locator.search.intent): vocabulary entries named in any of the label languages
or by a synonym, the free words left, the chips' links; bad input never fails."""
from __future__ import annotations

import pytest

from locator import vocab
from locator.search.intent import chips, cut, understand


@pytest.mark.parametrize("q, understood, free", [
    ("kubernetes migration", {"service": ["kubernetes", "migration"]}, []),
    ("Kubernetes-Migration", {"service": ["kubernetes", "migration"]}, []),
    ("k8s", {"service": ["kubernetes"]}, []),
    ("쿠버네티스", {"service": ["kubernetes"]}, []),
    ("쿠버네티스를 마이그레이션", {"service": ["kubernetes", "migration"]}, []),  # a particle glued on
    ("クバネティス 移行", {"service": ["kubernetes", "migration"]}, []),
    ("云原生 迁移", {"service": ["cloud-native", "migration"]}, []),
    ("кубернетес миграция", {"service": ["kubernetes", "migration"]}, []),
    ("dev sec ops", {"service": ["devsecops"]}, []),
    ("DevSecOps", {"service": ["devsecops"]}, []),
    ("CI/CD", {"service": ["ci-cd"]}, []),
    ("continuous integration", {"service": ["ci-cd"]}, []),
    ("public sector", {"segment": ["public-sector"]}, []),
    ("öffentlicher Sektor", {"segment": ["public-sector"]}, []),
    ("german", {"language": ["de"]}, []),
    ("Deutsch", {"language": ["de"]}, []),
    ("독일어", {"language": ["de"]}, []),
    ("MSP", {"type": ["msp"]}, []),
    ("managed service provider", {"type": ["msp"]}, []),  # the longest name wins over "managed services"
    ("managed services", {"service": ["managed-services"]}, []),
    ("migrations", {"service": ["migration"]}, []),  # stemmed
    ("KCSP", {"certification": ["kcsp"]}, []),
    ("banking", {"industry": ["finance"]}, []),
    ("gitlab consulting", {"service": ["consulting"]}, ["gitlab"]),
    ("Storm Reply", {}, ["Storm", "Reply"]),
])
def test_understands(q, understood, free):
    intent = understand(q)
    assert intent.understood == understood
    assert [u.text for u in intent.units if not u.named] == free


def test_filler_words_are_dropped_only_beside_something_else():
    intent = understand("German-speaking partner for public sector")
    assert intent.understood == {"segment": ["public-sector"], "language": ["de"]}
    assert [u.text for u in intent.units if not u.named] == [] and intent.dropped == ("partner",)
    assert [u.text for u in understand("partner").units] == ["partner"]  # alone, it is what was asked for


def test_the_same_entry_named_twice_is_one_unit():
    assert len(understand("k8s kubernetes").units) == 1


@pytest.mark.parametrize("q", ["", "the and of", "🚀", "🚀🚀 ✨", "AND (", "*", "\\", "' OR 1=1 --", "名:*",
                               "kubernetes 쿠버네티스 Москва 🚀", "x" * 200, "ﷺ", "\u200b\u200f"])
def test_any_text_is_understood_without_error(q):
    intent = understand(q)
    assert isinstance(intent.understood, dict)
    for unit in intent.units:
        assert q[unit.start:unit.end] == unit.text


@pytest.mark.parametrize("q, start, end, rest", [
    ("Kubernetes-Migration", 0, 10, "Migration"),
    ("Kubernetes-Migration", 11, 20, "Kubernetes"),
    ("kubernetes migration", 0, 10, "migration"),
    ("a, b, c", 3, 4, "a, c"),
    ("only", 0, 4, ""),
])
def test_cut_leaves_no_dangling_separator(q, start, end, rest):
    assert cut(q, start, end) == rest


def test_chips_label_each_entry_and_link_the_search_without_it():
    assert chips("k8s migration gitlab") == [("Kubernetes", "migration gitlab"), ("Migration", "k8s gitlab")]
    assert chips("쿠버네티스") == [("Kubernetes", "")]
    assert chips("gitlab") == []


def test_every_label_and_synonym_names_its_own_entry():
    """Each English label, translation and synonym, typed alone, is understood as (at least) its entry."""
    misses = []
    for name, entries in vocab.entry_names():
        understood = understand(name).understood
        for kind, code in entries:
            if code not in understood.get(kind, []):
                misses.append((name, kind, code, understood))
    assert not misses, misses[:10]


def test_labels_are_translated_into_the_demo_languages():
    """Every service, segment, type and industry has a label in each of the demo data's languages."""
    missing = [(kind, code, lang) for kind in ("service", "segment", "type", "industry")
               for code in vocab.vocabulary(kind) for lang in vocab.TRANSLATED
               if not (vocab._i18n()[kind].get(code) or {}).get(lang)]
    assert not missing, missing
    assert vocab.translated_label("service", "migration", "ko") == "마이그레이션"
    assert vocab.translated_label("segment", "public-sector", "de") == "Öffentlicher Sektor"
    assert vocab.translated_label("language", "de", "ja") == "ドイツ語"
    assert vocab.translated_label("service", "migration", "xx") == vocab.translated_label("service", "migration") == "Migration"


@pytest.mark.parametrize("q", ["integration", "federated identity", "cloud", "security", "software", "services"])
def test_ordinary_words_name_no_entry(q):
    """Words that stem like an entry's name but mean something else are free words."""
    assert understand(q).understood == {}
