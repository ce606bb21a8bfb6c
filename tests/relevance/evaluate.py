"""NDCG@10 of the judged set through the public API (GET /api/v1/search), per class and overall."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import mean
from typing import Any
from urllib.parse import urlencode

from tests.relevance.judged import CLASSES, QUERIES, Judged

K = 10


def dcg(grades: list[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades[:K]))


def ndcg(ranked_ids: list[str], grades: dict[str, int]) -> float:
    """NDCG@K with exponential gain; ids without a grade count 0."""
    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(i, 0) for i in ranked_ids]) / ideal if ideal else 0.0


@dataclass
class Outcome:
    query: Judged
    ids: list[str]
    ndcg: float
    error: str | None = None
    missing: list[str] = field(default_factory=list)  # `must` partners not in their top k
    intruders: list[str] = field(default_factory=list)  # `must_not` partners in their top k


def run_query(client: Any, query: Judged) -> Outcome:
    response = client.get("/api/v1/search?" + urlencode({**query.params, "per_page": str(K)}))
    body = response.get_json(silent=True) or {}
    if response.status_code != 200:
        error = f"{response.status_code} {(body.get('error') or {}).get('message', '')}".strip()
        return Outcome(query, [], 0.0, error, list(query.must[1]), [])
    ids = [r["id"] for r in body["results"]]
    k_must, must = query.must
    k_not, must_not = query.must_not
    return Outcome(query, ids, ndcg(ids, query.grades), None,
                   [i for i in must if i not in ids[:k_must]], [i for i in must_not if i in ids[:k_not]])


def run_all(client: Any) -> list[Outcome]:
    return [run_query(client, query) for query in QUERIES]


def summary(outcomes: list[Outcome]) -> dict[str, float]:
    """Mean NDCG@K per class and overall (over queries), rounded to 3 places."""
    scores = {cls: round(mean(o.ndcg for o in outcomes if o.query.cls == cls), 3) for cls in CLASSES}
    scores["overall"] = round(mean(o.ndcg for o in outcomes), 3)
    return scores


def report(outcomes: list[Outcome], verbose: bool = False) -> str:
    lines = []
    if verbose:
        for o in outcomes:
            flags = ([f"ERROR {o.error}"] if o.error else []) + ([f"missing {o.missing}"] if o.missing else []) + (
                [f"unwanted {o.intruders}"] if o.intruders else [])
            lines.append(f"{o.ndcg:5.3f}  {o.query.cls:10} {o.query.name[:60]:60} {' '.join(flags)}")
        lines.append("")
    scores = summary(outcomes)
    lines.append(f"{'class':12} {'queries':>7} {'NDCG@10':>8} {'must ok':>8} {'must_not ok':>11}")
    for cls in CLASSES + ("overall",):
        group = [o for o in outcomes if cls in (o.query.cls, "overall")]
        lines.append(f"{cls:12} {len(group):7d} {scores[cls]:8.3f} {sum(not o.missing for o in group):8d}"
                     f" {sum(not o.intruders for o in group):11d}")
    return "\n".join(lines)
