"""Every view declares the capability it needs, taken from the one table; anonymous visitors
are sent to sign in (or get a 401); the navigation offers exactly the pages a user may open."""
import pytest

from recond import capabilities
from recond.blueprints.guard import PUBLIC
from recond.blueprints.navigation import ENTRIES, entries_for
from recond.models import Role

# Public on purpose: signing in (and its second factor), choosing the language, the health
# and readiness probes, the site's icon, the OpenAPI document, the public page where anyone
# checks a certificate of sanitisation, the links sent by e-mail (invitation, password reset),
# and the page behind every label (the public page for anyone, the full page for staff who may
# see the device), and the open data (the programme's aggregate indicators, masked).
PUBLIC_ENDPOINTS = {"auth.login", "auth.second_factor", "auth.choose_language", "home.health",
                    "home.favicon", "probes.ready", "api.openapi", "certificates.verify", "static",
                    "account_links.accept", "account_links.forgot", "account_links.reset",
                    "devices.show", "reports.open_data_json", "reports.open_data_csv"}


def test_every_endpoint_declares_a_capability_of_the_table(app):
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        capability = getattr(view, "recond_capability", None)
        assert capability, f"{endpoint} declares no capability"
        assert (capability == PUBLIC) == (endpoint in PUBLIC_ENDPOINTS), endpoint
        if capability != PUBLIC:
            assert capability in capabilities.TABLE, f"{endpoint}: unknown capability {capability}"
            assert view.recond_roles == capabilities.roles(capability), endpoint


def test_every_capability_names_roles_and_a_scope():
    for name, capability in capabilities.TABLE.items():
        assert capability.roles and capability.roles <= set(Role), name
        assert capability.scope.strip(), name


def test_each_lifecycle_action_takes_its_roles_from_the_table():
    from recond.lifecycle import ACTIONS
    for action in ACTIONS.values():
        assert action.capability in capabilities.TABLE
        assert action.roles == capabilities.roles(action.capability)
    acting = frozenset().union(*(a.roles for a in ACTIONS.values()))
    assert capabilities.roles("devices.act") == acting


def test_the_navigation_asks_the_capability_of_the_page_it_opens(app):
    for entry in ENTRIES:
        assert app.view_functions[entry.endpoint].recond_capability == entry.capability, entry


@pytest.mark.parametrize("role", list(Role))
def test_the_navigation_shows_what_the_role_may_open(role):
    class Someone:
        pass
    actor = Someone()
    actor.role, actor.manager = role, True  # a manager: the people page is theirs too
    actor.organisation_id = None
    shown = {entry.endpoint for entry in entries_for(actor)}
    assert shown == {e.endpoint for e in ENTRIES if role in capabilities.roles(e.capability)}
    assert "home.index" in shown and "devices.index" in shown


def test_require_refuses_with_the_capabilitys_own_words(app):
    from recond.errors import NotPermitted

    class Someone:
        role = Role.DONOR
    with pytest.raises(NotPermitted) as refused:
        capabilities.require(Someone(), "pricing.publish")
    assert "administrators" in str(refused.value.message)
    assert not capabilities.can(None, "signed_in")


@pytest.mark.parametrize("path", ["/", "/devices", "/devices/export.csv"])
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
