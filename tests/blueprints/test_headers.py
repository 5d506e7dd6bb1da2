"""Headers on every answer: what a signed-in reader sees and every PDF are never stored by a
cache (receipts and notes carry names and references), HTTPS is pinned when cookies are
secure, and the static assets stay cacheable."""
import pytest


def test_a_signed_in_page_is_never_stored(world, browser):
    browser.login(world["collector_a"].email)
    answer = browser.client.get("/")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_pdf_is_never_stored(world, browser):
    browser.login(world["collector_a"].email)
    answer = browser.client.get(f"/deposits/{world.deposits['a'].number}/receipt.pdf")
    assert answer.mimetype == "application/pdf"
    assert answer.headers["Cache-Control"] == "no-store"


def test_an_error_page_of_someone_signed_in_is_never_stored(world, browser):
    browser.login(world["collector_a"].email)
    answer = browser.client.get("/donors/99999999999")
    assert answer.status_code == 404 and answer.headers["Cache-Control"] == "no-store"


def test_an_api_answer_to_a_token_is_never_stored(world, api):
    answer = api("tech_a", "get", "/api/v1/devices")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"


def test_the_static_assets_may_be_cached(client):
    answer = client.get("/static/recond.css")
    assert answer.status_code == 200 and "no-store" not in answer.headers.get("Cache-Control", "")


def test_signed_out_answers_of_the_health_check_are_not_marked(client):
    # Nobody signed in, no PDF: nothing private to keep out of caches.
    assert "Cache-Control" not in client.get("/healthz").headers


@pytest.mark.parametrize("secure", [True, False])
def test_https_is_pinned_when_cookies_are_secure(app, client, secure):
    app.config["SESSION_COOKIE_SECURE"] = secure
    answer = client.get("/login")
    assert ("Strict-Transport-Security" in answer.headers) is secure
    if secure:
        assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_method_the_url_does_not_take_is_405_with_allow(world, api, client):
    answer = api("tech_a", "patch", "/api/v1/scan?code=A")
    assert answer.status_code == 405 and answer.json["error"]["code"] == "method_not_allowed"
    assert set(answer.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    page = client.delete("/login")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]
