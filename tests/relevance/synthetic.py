"""Hand-seeded synthetic partners for the judged query set: what the real fixtures lack (the Select track,
services such as migration and devsecops, public-sector partners in Texas, remote service from another
country, look-alike places) placed at real coordinates, so each judgement can be reasoned out by hand."""
from __future__ import annotations

from typing import Any


def _partner(pid: str, name: str, city: str, region: str | None, postal: str | None, country: str,
             lat: float, lon: float, **fields: Any) -> dict[str, Any]:
    slug = pid.split(":", 1)[1]
    data: dict[str, Any] = {
        "id": pid, "name": name, "description": "", "track": "open", "types": ["boutique-si"],
        "services": [], "segments": [], "languages": ["en"], "website": f"https://{slug}.example",
        "email": f"hello@{slug}.example",
        "offices": [{"label": city, "city": city, "region": region, "postal_code": postal, "country": country,
                     "lat": lat, "lon": lon, "headquarters": True}],
    }
    data.update(fields)
    return data


PARTNERS: list[dict[str, Any]] = [
    # ---- Bavaria: the "kubernetes migration near München"
    _partner("syn:isar-cloud", "Isar Cloud Migration GmbH", "München", "Bayern", "80331", "DE", 48.1374, 11.5755,
             track="select", services=["kubernetes", "migration", "cloud-native", "consulting"],
             segments=["mid-market", "enterprise"], languages=["de", "en"], logo_url="https://isar-cloud.example/logo.png",
             description="Wir migrieren Anwendungen und CI/CD-Pipelines auf Kubernetes. Kubernetes migration and "
                         "platform engineering for Bavarian enterprises."),
    _partner("syn:lech-devops", "Lech DevOps", "Augsburg", "Bayern", "86150", "DE", 48.3705, 10.8978,
             services=["migration", "kubernetes", "ci-cd"], segments=["smb", "mid-market"], languages=["de"],
             description="GitLab-Einführung, Migration von Jenkins und Kubernetes-Betrieb in Schwaben."),
    _partner("syn:donau-lizenz", "Donau Lizenz Partner", "Ingolstadt", "Bayern", "85049", "DE", 48.7665, 11.4258,
             types=["reseller-var"], services=["licensing", "migration"], certifications=["cka"],
             segments=["smb"], languages=["de"],
             description="GitLab-Lizenzen und Migration von SVN. Our staff hold Kubernetes administrator certificates."),
    _partner("syn:schwabing-supplies", "Schwabing Software Supplies", "München", "Bayern", "80802", "DE", 48.1620, 11.5860,
             types=["reseller-dmr"], services=["licensing", "support"], segments=["smb"], languages=["de"],
             description="Lizenzen und Support für kleine Teams in München."),
    _partner("syn:geheim", "Geheim Consulting München", "München", "Bayern", "80333", "DE", 48.1450, 11.5650,
             services=["kubernetes", "migration"], languages=["de"], published=False,
             description="Kubernetes migration, not yet published."),
    # ---- Vienna: serves Germany remotely
    _partner("syn:danube-kubernetes", "Danube Kubernetes Services", "Vienna", "Wien", "1010", "AT", 48.2082, 16.3738,
             track="select", types=["msp"], services=["kubernetes", "managed-services", "migration"],
             segments=["mid-market", "enterprise"], languages=["de", "en"], countries_served=["DE"],
             description="Managed Kubernetes and migrations for Austria and Germany."),
    # ---- Texas and around
    _partner("syn:lone-star-public", "Lone Star Public Cloud", "Austin", "Texas", "78701", "US", 30.2672, -97.7431,
             track="select", services=["devsecops", "kubernetes", "consulting"], segments=["public-sector"],
             languages=["en", "es"], logo_url="https://lone-star-public.example/logo.png",
             description="DevSecOps and Kubernetes for state agencies, cities and school districts in Texas."),
    _partner("syn:bayou-devsecops", "Bayou DevSecOps", "Houston", "Texas", "77002", "US", 29.7604, -95.3698,
             services=["devsecops", "security-audit"], segments=["enterprise", "public-sector"],
             description="Security audits and DevSecOps pipelines for energy companies and government."),
    _partner("syn:dallas-license-hub", "Dallas License Hub", "Dallas", "Texas", "75201", "US", 32.7767, -96.7970,
             types=["reseller-var"], services=["licensing"], segments=["smb"],
             description="GitLab licences for small teams."),
    _partner("syn:red-river", "Red River Consulting", "Oklahoma City", "Oklahoma", "73102", "US", 35.4676, -97.5164,
             services=["consulting", "implementation"], segments=["mid-market"],
             service_area={"type": "Polygon", "coordinates": [[[-103.0, 29.0], [-94.0, 29.0], [-94.0, 36.5],
                                                               [-103.0, 36.5], [-103.0, 29.0]]]},
             description="GitLab implementation across Oklahoma and Texas."),
    _partner("syn:cabarrus-code", "Cabarrus Code Works", "Concord", "North Carolina", "28025", "US", 35.4088, -80.5795,
             services=["implementation"], description="GitLab implementation in the Carolinas."),
    # ---- California and the US
    _partner("syn:bay-migration", "Bay Area GitLab Migration", "San Francisco", "California", "94105", "US", 37.7898, -122.3942,
             track="select", services=["migration", "ci-cd", "training"], segments=["enterprise"],
             description="We move engineering organisations from GitHub, Bitbucket and Jenkins to GitLab CI/CD."),
    _partner("syn:inland-empire-dev", "Inland Empire Dev", "Ontario", "California", "91764", "US", 34.0633, -117.6509,
             services=["support"], segments=["smb"], description="GitLab support for small teams."),
    _partner("syn:chelsea-ci", "Chelsea CI/CD Partners", "New York", "New York", "10001", "US", 40.7506, -73.9972,
             services=["ci-cd", "devsecops", "support"], segments=["mid-market"], languages=["en", "es"],
             description="Pipelines, runners and security scanning for New York teams."),
    _partner("syn:gulf-coast-msp", "Gulf Coast MSP", "Tampa", "Florida", "33602", "US", 27.9506, -82.4572,
             types=["msp"], services=["managed-services", "support"], segments=["smb", "mid-market"],
             description="Managed GitLab and runners for Florida businesses."),
    _partner("syn:santander-software", "Santander Software", "Floridablanca", "Santander", None, "CO", 7.0622, -73.0864,
             services=["implementation"], languages=["es"], description="Implementación de GitLab en Colombia."),
    # ---- Canada
    _partner("syn:rideau-public", "Rideau Public Sector IT", "Ottawa", "Ontario", "K1P 1J1", "CA", 45.4215, -75.6972,
             services=["consulting", "devsecops"], segments=["public-sector"], languages=["en", "fr"],
             description="DevSecOps for federal and provincial departments."),
    # ---- Europe
    _partner("syn:formation-cloud-paris", "Formation Cloud Paris", "Paris", "Île-de-France", "75002", "FR", 48.8686, 2.3412,
             services=["training", "kubernetes"], segments=["smb", "mid-market"], languages=["fr", "en"],
             description="Formation Kubernetes et GitLab CI/CD en français, en présentiel à Paris ou à distance."),
    _partner("syn:thames-devsecops", "Thames DevSecOps", "London", "England", "EC1A 1BB", "GB", 51.5202, -0.0977,
             track="select", services=["devsecops", "security-audit", "ci-cd"], segments=["public-sector", "enterprise"],
             description="Security audits and DevSecOps for UK government and banks."),
    _partner("syn:migraciones-agiles", "Migraciones Ágiles", "Madrid", "Comunidad de Madrid", "28013", "ES", 40.4168, -3.7038,
             services=["migration", "agile-planning"], segments=["mid-market"], languages=["es"],
             description="Migración de repositorios y procesos a GitLab."),
    _partner("syn:elbe-managed", "Elbe Managed Kubernetes", "Hamburg", "Hamburg", "20095", "DE", 53.5511, 9.9937,
             types=["msp"], services=["managed-services", "kubernetes"], segments=["mid-market"], languages=["de", "en"],
             description="Betrieb von Kubernetes-Clustern rund um die Uhr."),
    _partner("syn:spree-public", "Spree Public Sector Consulting", "Berlin", "Berlin", "10117", "DE", 52.5170, 13.3889,
             services=["consulting", "devsecops"], segments=["public-sector"], languages=["de"],
             description="Beratung für Behörden und Verwaltungen."),
    # ---- Asia-Pacific
    _partner("syn:han-river-cloud", "한강 클라우드 (Han River Cloud)", "Seoul", None, "04524", "KR", 37.5665, 126.9780,
             services=["kubernetes", "migration", "training"], segments=["mid-market"], languages=["ko", "en"],
             description="쿠버네티스 도입과 마이그레이션, 교육을 제공합니다."),
    _partner("syn:tokyo-gitlab", "東京GitLabパートナーズ", "Tokyo", "Tokyo", "100-0005", "JP", 35.6812, 139.7671,
             track="select", services=["ci-cd", "training", "migration"], segments=["enterprise"], languages=["ja", "en"],
             description="GitLabの導入、移行、トレーニングを提供します。"),
    _partner("syn:harbour-ops", "Harbour Ops", "Sydney", "New South Wales", "2000", "AU", -33.8688, 151.2093,
             types=["msp"], services=["managed-services", "kubernetes"], segments=["mid-market"],
             description="Managed Kubernetes and GitLab runners in Sydney."),
]
