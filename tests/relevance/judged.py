"""The judged query set: what a customer or seller types, and which partners a good answer holds.

Grades (for NDCG): 3 the ideal answer (in the place, offers what was asked), 2 a good answer (nearby, or
offers most of it), 1 acceptable (the place only, or serving it remotely), unlisted 0. `must`: partners
that must be in the top k; `must_not`: partners that must not be in the top k (wrong place, wrong
service, unpublished). Judged by reading the fixtures (fixtures/*.json|yml, as `locator import` maps
them) and tests/relevance/synthetic.py, never by copying the search's output. Unjudged results count 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field

CLASSES = ("place", "region", "postal", "multi-word", "language", "typo")


@dataclass(frozen=True)
class Judged:
    cls: str
    params: dict[str, str]
    grades: dict[str, int]
    must: tuple[int, tuple[str, ...]] = (10, ())
    must_not: tuple[int, tuple[str, ...]] = (10, ())
    why: str = ""
    key: str = field(default="")

    @property
    def name(self) -> str:
        return self.key or " ".join(f"{k}={v}" for k, v in self.params.items())


def g(grade: int, *ids: str) -> dict[str, int]:
    return {i: grade for i in ids}


def cncf(*slugs: str) -> tuple[str, ...]:
    return tuple(f"cncf:{s}" for s in slugs)


def syn(*slugs: str) -> tuple[str, ...]:
    return tuple(f"syn:{s}" for s in slugs)


# ---------------------------------------------------------------- places people name
MUNICH_CITY = ("cncf:storm-reply",) + syn("isar-cloud", "schwabing-supplies")
MUNICH_NEAR = syn("lech-devops", "donau-lizenz")  # Augsburg 57 km, Ingolstadt 70 km
MUNICH = {**g(3, *MUNICH_CITY), **g(2, *MUNICH_NEAR), **g(1, "syn:danube-kubernetes")}
BAYERN = {**g(3, *MUNICH_CITY, *MUNICH_NEAR, *cncf("noris-network", "suse")), **g(1, "syn:danube-kubernetes")}
SEOUL = {**g(3, "gitlab-reseller:architect-group", *cncf("acornsoft", "ins-lab", "n3ncloud", "whatap"),
             "syn:han-river-cloud"), **g(2, "cncf:namutech")}
SEOUL_KUBERNETES = {**g(3, *cncf("acornsoft", "ins-lab", "n3ncloud", "whatap"), "syn:han-river-cloud"),
                    **g(2, "cncf:namutech")}
BERLIN = {**g(3, *cncf("cloudical", "kinvolk"), "gitlab-reseller:intenso", "syn:spree-public"),
          **g(1, "syn:danube-kubernetes")}  # Danube serves Germany remotely from Vienna
BERLIN_KUBERNETES = {**g(3, "cncf:cloudical", "cncf:kinvolk"), **g(1, "syn:danube-kubernetes")}
TEXAS_IN = cncf("appddiction-studio", "dell-technologies-consulting", "rackspace-technology") + syn(
    "lone-star-public", "bayou-devsecops", "dallas-license-hub")
TEXAS = {**g(3, *TEXAS_IN), **g(1, "syn:red-river")}
NOT_TEXAS = ("syn:cabarrus-code", "syn:inland-empire-dev", "cncf:gitlab", "cncf:cuemby")
CALIFORNIA = g(3, "gitlab-reseller:vertical-sysadmin", "syn:bay-migration", "syn:inland-empire-dev", *cncf(
    "altoros", "d2iq", "diamanti", "doit-international", "gitlab", "grape-up", "gravitational", "hpe",
    "infracloud-technologies", "mayadata", "mirantis", "nebulaworks", "netapp", "new-context", "nirmata",
    "platform9", "portworx", "rafay", "rancher", "rx-m", "stark-wayne", "sysdig", "tynybay", "vmware",
    "xenonstack", "the-linux-foundation-training"))
SF_CITY = cncf("d2iq", "gitlab", "new-context", "rx-m", "stark-wayne", "sysdig", "the-linux-foundation-training") + (
    "syn:bay-migration",)
SF = {**g(3, *SF_CITY, "cncf:gravitational"), **g(2, *cncf(
    "hpe", "vmware", "diamanti", "mayadata", "nirmata", "altoros", "netapp", "rafay", "xenonstack", "doit-international",
    "grape-up", "platform9", "rancher", "mirantis", "portworx"))}
ONTARIO = g(3, "gitlab-reseller:releaseteam", "cncf:arctiq", "cncf:cengn", "syn:rideau-public")
FLORIDA = g(3, "cncf:cuemby", "syn:gulf-coast-msp")
PARIS = g(3, *cncf("alter-way", "beopenit", "octo-technology"), "syn:formation-cloud-paris")
LONDON = g(3, *cncf("appvia", "canonical", "cloudreach", "contino", "engineerbetter", "jetstack", "kloia",
                   "the-scale-factory", "weaveworks", "yld"), "syn:thames-devsecops")
TOKYO = g(3, *cncf("creationline", "fujitsu", "nec", "ntt-data", "servicememe", "va-linux-systems-japan"), "syn:tokyo-gitlab")
NEW_YORK = {**g(3, "cncf:deloitte", "cncf:samsung-sds", "syn:chelsea-ci"), **g(2, "cncf:ibm-cloud",
                                                                                "cncf:intuitive-technology-partners")}
SYDNEY = g(3, "cncf:darumatic", "syn:harbour-ops")
OTTAWA = g(3, "cncf:cengn", "syn:rideau-public")
AUSTIN = g(3, "syn:lone-star-public", "cncf:dell-technologies-consulting")  # Round Rock is 27 km north
HIDDEN = ("syn:geheim",)

QUERIES: list[Judged] = [
    # ------------------------------------------------------------ place: cities in any spelling or script
    Judged("place", {"near": "München"}, MUNICH, must=(5, MUNICH_CITY), must_not=(10, HIDDEN)),
    Judged("place", {"near": "Munich"}, MUNICH, must=(5, MUNICH_CITY), must_not=(10, HIDDEN)),
    Judged("place", {"near": "Berlin"}, BERLIN, must=(5, tuple(k for k, v in BERLIN.items() if v == 3))),
    Judged("place", {"near": "서울"}, SEOUL, must=(7, tuple(SEOUL))),
    Judged("place", {"near": "Zürich"}, {**g(3, "cncf:vshn-ag"), **g(2, "cncf:ventus-cloud"), **g(1, "cncf:puzzle-itc")},
           must=(2, ("cncf:vshn-ag", "cncf:ventus-cloud"))),
    Judged("place", {"near": "Tel Aviv"}, g(3, "gitlab-reseller:almtoolbox", *cncf("aqua-security", "cloudzone", "terasky")),
           must=(4, ("cncf:aqua-security", "cncf:cloudzone", "cncf:terasky", "gitlab-reseller:almtoolbox"))),
    Judged("place", {"near": "Stockholm"}, g(3, *cncf("conoa", "elastx", "redeploy", "stakater")),
           must_not=(10, ("cncf:elastisys",)), why="Umeå is 500 km north"),
    Judged("place", {"near": "Москва"}, g(3, "gitlab-reseller:softmart", "cncf:flant"),
           must=(2, ("gitlab-reseller:softmart", "cncf:flant")), must_not=(10, ("cncf:southbridge",))),
    Judged("place", {"near": "Texas, USA"}, TEXAS, must=(6, TEXAS_IN), must_not=(10, NOT_TEXAS),
           why="was Concord, NC: a state is a place"),
    Judged("place", {"near": "Florida, USA"}, FLORIDA, must=(2, tuple(FLORIDA)),
           must_not=(10, ("syn:santander-software", "syn:inland-empire-dev"))),
    Judged("place", {"near": "Ontario, Canada"}, ONTARIO, must=(4, tuple(ONTARIO)), must_not=(10, ("syn:inland-empire-dev",))),
    Judged("place", {"near": "Sydney"}, SYDNEY, must=(2, tuple(SYDNEY)), must_not=(10, ("cncf:platformer",))),
    # ------------------------------------------------------------ region: states, Länder, provinces, abbreviations
    Judged("region", {"near": "Texas"}, TEXAS, must=(6, TEXAS_IN), must_not=(10, NOT_TEXAS)),
    Judged("region", {"near": "TX"}, TEXAS, must=(6, TEXAS_IN), must_not=(10, NOT_TEXAS)),
    Judged("region", {"near": "Bayern"}, BAYERN, must=(7, tuple(k for k, v in BAYERN.items() if v == 3)),
           must_not=(10, HIDDEN + ("cncf:whizus",))),
    Judged("region", {"near": "Bavaria"}, BAYERN, must=(7, tuple(k for k, v in BAYERN.items() if v == 3)),
           must_not=(10, HIDDEN + ("cncf:whizus",))),
    Judged("region", {"near": "Florida"}, FLORIDA, must=(2, tuple(FLORIDA)), must_not=(10, ("syn:santander-software",))),
    Judged("region", {"near": "California"}, CALIFORNIA, must_not=(10, TEXAS_IN + ("syn:cabarrus-code",))),
    Judged("region", {"near": "Île-de-France"}, PARIS, must=(4, tuple(PARIS))),
    Judged("region", {"near": "New South Wales"}, SYDNEY, must=(2, tuple(SYDNEY)),
           must_not=(10, ("cncf:platformer", "cncf:mechanical-rock"))),
    Judged("region", {"q": "kubernetes", "near": "Baden-Württemberg"}, g(3, "cncf:inovex", "cncf:sap"),
           must=(2, ("cncf:inovex", "cncf:sap"))),
    Judged("region", {"near": "NRW"}, {**g(3, "cncf:giant-swarm", "cncf:teutostack"), **g(1, "syn:danube-kubernetes")},
           must=(2, ("cncf:giant-swarm", "cncf:teutostack")), why="Nordrhein-Westfalen as Germans write it"),
    Judged("region", {"near": "경기도"}, g(3, "cncf:namutech"), must=(1, ("cncf:namutech",)),
           must_not=(10, ("cncf:acornsoft", "gitlab-reseller:architect-group")),
           why="Gyeonggi-do in Hangul: Seongnam is in it, Seoul (a city of its own rank) is not"),
    Judged("region", {"near": "Ontario"}, ONTARIO, must=(4, tuple(ONTARIO)),
           why="the Canadian province, not Ontario, California (a town of 180,000)"),
    # ------------------------------------------------------------ postal codes, bare or with a country
    Judged("postal", {"near": "78701"}, AUSTIN, must=(2, tuple(AUSTIN)), must_not=(10, ("syn:cabarrus-code",))),
    Judged("postal", {"near": "80331 DE"}, MUNICH, must=(5, MUNICH_CITY), must_not=(10, HIDDEN)),
    Judged("postal", {"near": "80331"}, MUNICH, must=(5, MUNICH_CITY), must_not=(10, HIDDEN)),
    Judged("postal", {"near": "10001"}, NEW_YORK, must=(3, ("cncf:deloitte", "cncf:samsung-sds", "syn:chelsea-ci"))),
    Judged("postal", {"near": "94105"}, SF, must=(8, SF_CITY)),
    Judged("postal", {"near": "75002 FR"}, PARIS, must=(4, tuple(PARIS)), must_not=(10, ("syn:dallas-license-hub",)),
           why="75002 is also Allen, Texas: the country decides"),
    Judged("postal", {"near": "EC1A"}, LONDON, must=(10, ("syn:thames-devsecops",))),
    Judged("postal", {"near": "2000 AU"}, SYDNEY, must=(2, tuple(SYDNEY))),
    Judged("postal", {"near": "100-0005"}, TOKYO, must=(7, tuple(TOKYO))),
    Judged("postal", {"near": "K1P 1J1"}, OTTAWA, must=(2, tuple(OTTAWA))),
    Judged("postal", {"near": "02108"}, g(3, "cncf:fairwinds"), must=(1, ("cncf:fairwinds",)),
           must_not=(10, ("cncf:acaisoft", "cncf:softax")),
           why="a bare five-digit code is a US ZIP (Boston); Poland writes 02-108"),
    Judged("postal", {"near": "10115 DE"}, BERLIN, must=(4, tuple(k for k, v in BERLIN.items() if v == 3))),
    # ------------------------------------------------------------ multi-word intents
    Judged("multi-word", {"q": "kubernetes migration", "near": "München"},
           {**g(3, "syn:isar-cloud", "syn:lech-devops"), **g(2, "cncf:storm-reply", "syn:danube-kubernetes"),
            **g(1, "syn:donau-lizenz")},
           must=(4, ("cncf:storm-reply", "syn:isar-cloud")), must_not=(1, ("syn:donau-lizenz",)),
           why="the issue's example: Storm Reply (Munich, KCSP) offers Kubernetes; Donau only certifies it. "
               "Top 4, not 3: Isar and Lech offer both here, and Danube (remote, both) is graded as Storm Reply"),
    Judged("multi-word", {"q": "kubernetes migration", "near": "Berlin"},
           {**g(3, "cncf:cloudical"), **g(2, "cncf:kinvolk", "syn:danube-kubernetes")},
           must=(3, ("cncf:cloudical", "cncf:kinvolk")),
           why="Cloudical's description names its migration experts"),
    Judged("multi-word", {"q": "managed kubernetes", "near": "Hamburg"},
           {**g(3, "syn:elbe-managed"), **g(2, *cncf("datadrivers", "deepshore", "kubermatic"), "syn:danube-kubernetes")},
           must=(4, ("syn:elbe-managed", "cncf:datadrivers", "cncf:deepshore", "cncf:kubermatic"))),
    Judged("multi-word", {"q": "public sector devsecops", "near": "Berlin"},
           {**g(3, "syn:spree-public")}, must=(1, ("syn:spree-public",))),
    Judged("multi-word", {"q": "public sector", "near": "Texas"},
           {**g(3, "syn:lone-star-public", "syn:bayou-devsecops", "cncf:dell-technologies-consulting",
                "cncf:rackspace-technology"), **g(1, "cncf:appddiction-studio", "syn:dallas-license-hub")},
           must=(4, ("syn:lone-star-public", "syn:bayou-devsecops")), must_not=(10, NOT_TEXAS),
           why="a seller's first task: partners for a public-sector customer in Texas"),
    Judged("multi-word", {"q": "devsecops public sector", "near": "TX"},
           {**g(3, "syn:lone-star-public", "syn:bayou-devsecops"), **g(1, "cncf:appddiction-studio",
                                                                     "cncf:dell-technologies-consulting")},
           must=(2, ("syn:lone-star-public", "syn:bayou-devsecops"))),
    Judged("multi-word", {"q": "kubernetes training", "near": "Paris"},
           {**g(3, "syn:formation-cloud-paris", "cncf:alter-way", "cncf:beopenit"), **g(2, "cncf:octo-technology")},
           must=(3, ("syn:formation-cloud-paris", "cncf:alter-way", "cncf:beopenit"))),
    Judged("multi-word", {"q": "ci/cd migration", "near": "San Francisco"}, {**g(3, "syn:bay-migration"),
                                                                            **g(1, "cncf:new-context")},
           must=(1, ("syn:bay-migration",))),
    Judged("multi-word", {"q": "gitlab training", "near": "Tokyo"},
           {**g(3, "syn:tokyo-gitlab"), **g(2, "cncf:creationline", "cncf:servicememe")}, must=(3, ("syn:tokyo-gitlab",))),
    Judged("multi-word", {"q": "managed service provider", "near": "Sydney"},
           {**g(3, "syn:harbour-ops")}, must=(1, ("syn:harbour-ops",)), must_not=(1, ("cncf:darumatic",))),
    Judged("multi-word", {"q": "security audit", "near": "London"}, {**g(3, "syn:thames-devsecops")},
           must=(1, ("syn:thames-devsecops",))),
    Judged("multi-word", {"q": "german kubernetes", "near": "Vienna"},
           {**g(3, "cncf:whizus", "syn:danube-kubernetes")}, must=(2, ("cncf:whizus", "syn:danube-kubernetes"))),
    # ------------------------------------------------------------ other languages and scripts
    Judged("language", {"q": "쿠버네티스", "near": "서울"}, SEOUL_KUBERNETES, must=(6, tuple(SEOUL_KUBERNETES)),
           must_not=(6, ("gitlab-reseller:architect-group",))),
    Judged("language", {"q": "쿠버네티스 교육", "near": "서울"},
           {**g(3, "cncf:acornsoft", "syn:han-river-cloud"), **g(2, *cncf("ins-lab", "n3ncloud", "whatap", "namutech"))},
           must=(2, ("cncf:acornsoft", "syn:han-river-cloud")), why="Kubernetes training, in Korean"),
    Judged("language", {"q": "Kubernetes-Migration", "near": "München"},
           {**g(3, "syn:isar-cloud", "syn:lech-devops"), **g(2, "cncf:storm-reply", "syn:danube-kubernetes"),
            **g(1, "syn:donau-lizenz")}, must=(4, ("cncf:storm-reply", "syn:isar-cloud"))),
    Judged("language", {"q": "formation kubernetes", "near": "Paris"},
           {**g(3, "syn:formation-cloud-paris", "cncf:alter-way", "cncf:beopenit"), **g(1, "cncf:octo-technology")},
           must=(3, ("syn:formation-cloud-paris", "cncf:alter-way", "cncf:beopenit"))),
    Judged("language", {"q": "migración", "near": "Madrid"}, g(3, "syn:migraciones-agiles"),
           must=(1, ("syn:migraciones-agiles",))),
    Judged("language", {"q": "トレーニング", "near": "東京"},
           g(3, "cncf:creationline", "cncf:servicememe", "syn:tokyo-gitlab"),
           must=(3, ("cncf:creationline", "cncf:servicememe", "syn:tokyo-gitlab"))),
    Judged("language", {"q": "Schulung Kubernetes", "near": "Hamburg"},
           {**g(3, "cncf:kubermatic"), **g(1, "cncf:datadrivers", "cncf:deepshore", "syn:elbe-managed",
                                            "syn:danube-kubernetes")},
           must=(1, ("cncf:kubermatic",))),
    Judged("language", {"q": "培训", "near": "上海"}, g(3, "cncf:99cloud", "cncf:daocloud"),
           must=(2, ("cncf:99cloud", "cncf:daocloud"))),
    Judged("language", {"q": "k8s", "near": "Berlin"}, BERLIN_KUBERNETES,
           must=(2, ("cncf:cloudical", "cncf:kinvolk"))),
    # ------------------------------------------------------------ typos
    Judged("typo", {"q": "kubernets", "near": "Berlin"}, BERLIN_KUBERNETES,
           must=(2, ("cncf:cloudical", "cncf:kinvolk"))),
    Judged("typo", {"q": "migraton", "near": "Madrid"}, g(3, "syn:migraciones-agiles"), must=(1, ("syn:migraciones-agiles",))),
    Judged("typo", {"q": "Strom Reply"}, g(3, "cncf:storm-reply"), must=(1, ("cncf:storm-reply",))),
    Judged("typo", {"q": "giant swarn"}, g(3, "cncf:giant-swarm"), must=(1, ("cncf:giant-swarm",))),
    Judged("typo", {"near": "Müchen"}, MUNICH, must=(5, MUNICH_CITY), must_not=(10, HIDDEN)),
    Judged("typo", {"q": "kubernetes migation", "near": "Berlin"},
           {**g(3, "cncf:cloudical"), **g(2, "cncf:kinvolk", "syn:danube-kubernetes")},
           must=(3, ("cncf:cloudical", "cncf:kinvolk"))),
    Judged("typo", {"near": "Muenchen"}, MUNICH, must=(5, MUNICH_CITY), must_not=(10, HIDDEN)),
    Judged("typo", {"q": "kubernetes", "near": "Zurich"}, {**g(3, "cncf:vshn-ag"), **g(2, "cncf:ventus-cloud"), **g(1, "cncf:puzzle-itc")},
           must=(2, ("cncf:vshn-ag", "cncf:ventus-cloud"))),
    Judged("typo", {"q": "devsecopps", "near": "London"}, g(3, "syn:thames-devsecops"), must=(1, ("syn:thames-devsecops",))),
    Judged("typo", {"q": "kubernets", "near": "Frankfurt"}, g(3, "cncf:prodyna"), must=(1, ("cncf:prodyna",))),
]
