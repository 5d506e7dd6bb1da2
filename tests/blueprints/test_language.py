"""French by default, English on request; the choice follows the person."""


def test_french_by_default(client):
    html = client.get("/login").text
    assert '<html lang="fr">' in html and "Se connecter" in html and "Mot de passe" in html


def test_the_browser_language_is_honoured(client):
    html = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.8"}).text
    assert '<html lang="en">' in html and "Sign in" in html


def test_switching_language_sticks_for_the_session(client):
    from tests.conftest import csrf_from

    page = client.get("/login")
    response = client.post("/lang/en", data={"csrf_token": csrf_from(page.text), "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Password" in client.get("/login").text
    response = client.post("/lang/en", data={"csrf_token": csrf_from(page.text),
                                             "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_statuses_and_actions_are_translated(world, browser):
    device = world.device("os_installed")
    browser.login("tech_a@example.org")
    html = browser.client.get(f"/d/{device.public_id}").text
    assert "système installé" in html and "Grade esthétique" in html
