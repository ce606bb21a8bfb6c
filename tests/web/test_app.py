from tests.factories import make_partner


def test_healthz_counts_partners(fresh_db, make_app):
    with fresh_db.session() as session:
        make_partner(session)
        make_partner(session)
    client = make_app(fresh_db).test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["partners"] == 2
    assert body["store"] == {"status": "ok", "partners": 2} and body["search"]["status"] == "ok"


def test_unknown_api_route_is_json_404(spatialite_db, make_app):
    response = make_app(spatialite_db).test_client().get("/api/v1/nope")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_wrong_method_is_json_405(spatialite_db, make_app):
    response = make_app(spatialite_db).test_client().delete("/healthz")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
