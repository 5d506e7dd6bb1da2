"""Every view states who may use it; anonymous visitors are sent to sign in (or get a 401)."""
import pytest

from recond.blueprints.guard import PUBLIC

PUBLIC_ENDPOINTS = {"auth.login", "auth.second_factor", "auth.choose_language", "home.health", "api.openapi",
                    "certificates.verify", "static",
                    "account_links.accept", "account_links.forgot", "account_links.reset"}


def test_every_endpoint_declares_its_roles(app):
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        roles = getattr(view, "recond_roles", None)
        assert roles, f"{endpoint} declares no roles"
        assert (roles == PUBLIC) == (endpoint in PUBLIC_ENDPOINTS), endpoint


@pytest.mark.parametrize("path", ["/", "/devices", "/d/BCDFGHJK"])
def test_pages_send_anonymous_visitors_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("method,path", [
    ("get", "/api/v1/devices"), ("get", "/api/v1/devices/BCDFGHJK"), ("get", "/api/v1/scan?code=x"),
    ("post", "/api/v1/devices/BCDFGHJK/actions"), ("post", "/api/v1/batch"),
    ("get", "/api/v1/jobs/abc"), ("get", "/api/v1/me"),
])
def test_the_api_answers_401_without_a_token(client, method, path):
    response = getattr(client, method)(path, json={})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
