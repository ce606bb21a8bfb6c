"""Text matching on the read model: stemming, typos, accents, native scripts, hostile input."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.query import Term

from locator.search import retrieval
from hypothesis import given, settings
from hypothesis import strategies as st

from locator.search.analysis import fold_analyzer, fold_terms
from locator.search.fulltext import schema, whoosh_fields, write_segment
from locator.search.model import ReadModel

_ids = itertools.count(1)


def doc(name: str, description: str = "", city: str = "Berlin", country: str = "DE", **lists) -> dict:
    n = next(_ids)
    return {
        "id": n, "external_id": f"T{n}", "slug": f"t{n}", "name": name, "description": description,
        "website": None, "logo_url": None, "track": "open", "published": True, "completeness": 50,
        "internal": {}, "industries": lists.get("industries", []), "countries_served": [], "service_area": None,
        "languages": [], "services": lists.get("services", []), "segments": [], "types": [],
        "certifications": lists.get("certifications", []),
        "offices": [{"label": "HQ", "city": city, "country": country, "lat": 52.5, "lon": 13.4}],
    }


DOCS = [
    doc("Cloud Natives GmbH", "Kubernetes consulting and migrations for enterprises", city="München"),
    doc("Paulista Tecnologia", "Integração contínua e DevOps", city="São Paulo", country="BR"),
    doc("서울 데브옵스", "서울에서 깃랩 파트너로 활동하는 회사입니다", city="서울", country="KR"),
    doc("Москва Софт", "Внедрение и поддержка GitLab в России", city="Москва", country="RU"),
    doc("上海云科技", "我们是上海的云原生合作伙伴", city="上海", country="CN"),
    doc("שותף ישראלי", "שירותי ייעוץ ופריסה של גיטלאב", city="תל אביב", country="IL"),
    doc("Training Works", "Courses and workshops", services=["training"], certifications=["ktp"]),
]
MODEL = ReadModel.build(DOCS, marker=0)


def names(q: str) -> list[str]:
    scores = retrieval.text_scores(MODEL, q)
    assert scores is not None
    return [MODEL.records[i]["name"] for i in np.argsort(-scores, kind="stable") if scores[i] > 0]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("kubernetes", "Cloud Natives GmbH"),
        ("kubernets", "Cloud Natives GmbH"),  # typo
        ("migraton", "Cloud Natives GmbH"),  # typo against a stemmed plural
        ("migrate", "Cloud Natives GmbH"),  # stemming
        ("munchen", "Cloud Natives GmbH"),  # missing accent
        ("MÜNCHEN", "Cloud Natives GmbH"),
        ("sao paulo", "Paulista Tecnologia"),
        ("integracao", "Paulista Tecnologia"),
        ("서울", "서울 데브옵스"),  # Hangul, also glued to a particle in the description
        ("깃랩", "서울 데브옵스"),
        ("москва", "Москва Софт"),
        ("россии", "Москва Софт"),
        ("上海", "上海云科技"),  # Chinese without spaces: bigrams
        ("云原生", "上海云科技"),
        ("גיטלאב", "שותף ישראלי"),
        ("brazil", "Paulista Tecnologia"),  # office country name
        ("training", "Training Works"),  # service label
        ("Kubernetes Training Partner", "Training Works"),  # certification label
    ],
)
def test_finds(q, expected):
    found = names(q)
    assert found and found[0] == expected, found  # the best match, not just somewhere in the list


def test_a_country_name_finds_every_partner_with_an_office_there():
    assert sorted(names("germany")) == ["Cloud Natives GmbH", "Training Works"]


def test_every_word_must_match():
    assert names("enterprises courses") == []
    assert names("kubernetes migrations") == ["Cloud Natives GmbH"]


def test_name_matches_rank_above_description_matches():
    model = ReadModel.build([doc("Acme", "we love gitlab"), doc("GitLab Experts", "we do things")], marker=0)
    scores = retrieval.text_scores(model, "gitlab")
    assert scores[1] > scores[0] > 0


def test_exact_beats_fuzzy():
    model = ReadModel.build([doc("Kubernetes Co"), doc("Kubernets Co")], marker=0)
    scores = retrieval.text_scores(model, "kubernetes")
    assert scores[0] > scores[1] > 0


@pytest.mark.parametrize("q, expected", [
    # no words left: no text query at all (None), never "match everything" by a wildcard
    ("AND (", None), ("*", None), ("?", None), ("((((", None), ("\\", None),
    # words no partner has: nothing, never an error
    ("name:*", []), ('"unbalanced', []), ("a OR b NOT", []), ("k8s~2", []), ("' OR 1=1 --", []), ("<script>", []),
    ("名:*", []), ("training^5", []),
    # what the syntax would have meant is not what happens
    ("kubernetes OR training", ["Training Works"]),  # OR as a word: both words must match, not either
    ("kubernetes NOT consulting", ["Cloud Natives GmbH"]),  # NOT does not exclude
    ("name:cloud", []), ("description:kubernetes", []),  # no field queries
    ("kub*", []),  # no wildcard expansion ("kubernetes" would match two partners)
])
def test_query_syntax_is_just_words(q, expected):
    scores = retrieval.text_scores(MODEL, q)
    assert (None if scores is None else names(q)) == expected


def test_stop_words_alone_are_no_text_query():
    assert retrieval.text_scores(MODEL, "the and of") is None


def _segment_postings(path) -> dict:
    with whoosh_index.open_dir(str(path)).searcher() as searcher:
        reader = searcher.reader()
        pid = {d: int(searcher.stored_fields(d)["pid"]) for d in range(reader.doc_count())}
        lengths = {pid[d]: reader.doc_field_length(d, "fold") for d in pid}
        postings = {}
        for fieldname, term in reader.all_terms():
            if fieldname == "fold":
                m = reader.postings("fold", term)
                postings[term.decode()] = sorted((pid[d], w) for d, w in m.items_as("weight"))
        return postings, lengths


def test_whoosh_segments_hold_the_same_terms(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), schema())
    with ix.writer() as writer:
        for d in DOCS:
            writer.add_document(**whoosh_fields(d))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        assert set(reader.terms_within("fold", "kubernets", 1)) == {"kubernetes"}
        assert ("fold", "munchen") in reader
        assert ("fold", "migrations") in reader
        assert set(fold_terms("서울")) <= {t.decode() for t in reader.lexicon("fold")}


def test_a_full_build_writes_the_segment_add_document_would(tmp_path):
    (tmp_path / "bulk").mkdir()
    (tmp_path / "docs").mkdir()
    model = ReadModel.build(DOCS, 0)
    write_segment(whoosh_index.create_in(str(tmp_path / "bulk"), schema()), model.pid, model.text["fold"])
    with whoosh_index.create_in(str(tmp_path / "docs"), schema()).writer() as writer:
        for d in DOCS:
            writer.add_document(**whoosh_fields(d))
    bulk, by_docs = _segment_postings(tmp_path / "bulk"), _segment_postings(tmp_path / "docs")
    assert bulk[0] and bulk == by_docs
    with whoosh_index.open_dir(str(tmp_path / "bulk")).searcher() as searcher:  # still a working index
        assert len(searcher.search(Term("fold", "munchen"))) == 1
        assert len(searcher.search(Term("pid", str(DOCS[0]["id"])))) == 1


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
       | st.sampled_from(["São Paulo/SP, Brasil", "서울에서 깃랩", "上海，中国 云原生ab", "Ærø Straße", "The IT and AI"]))
def test_fast_folding_equals_the_whoosh_analyzer_chain(text):
    assert fold_terms(text) == [t.text for t in fold_analyzer()(text)]


def test_stemmed_postings_derived_from_the_folded_equal_a_direct_build():
    from locator.search.documents import doc_terms
    from locator.search.postings import Postings

    direct = Postings.build([doc_terms(d)["stem"] for d in DOCS])
    derived = ReadModel.build(DOCS, 0).text["stem"]
    assert derived.terms == direct.terms and "migrat" in derived.terms
    for name in ("ptr", "rows", "weights", "freqs", "lengths"):
        assert np.array_equal(getattr(derived, name), getattr(direct, name)), name
