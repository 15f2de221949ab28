"""A page's own address (a shared link, a bookmark, a reload) connects at once: the HTML
shell names the server's address (components/page_shell.py), so the browser does not first
look for the server under the page's path and wait before trying the root."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journey import idle, main

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "path, heading", [("proposals", "提案与需求"), ("proposals?id=1", "返回列表")]
)
def test_a_deep_link_asks_the_root_for_the_server_only(
    page: Page, app_url: str, path: str, heading: str
):
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{app_url}/{path}")
    idle(page)
    expect(main(page)).to_contain_text(heading)
    stcore = [url for url in asked if "/_stcore/" in url]
    assert stcore and all(url.startswith(f"{app_url}/_stcore/") for url in stcore), stcore


def test_the_health_route_answers_with_the_database_state(app_url: str):
    """/healthz on the running server (server.py): 200 and the schema revision, no cache."""
    import json
    import urllib.request

    with urllib.request.urlopen(f"{app_url}/healthz", timeout=30) as response:
        assert response.status == 200
        assert response.headers["Cache-Control"] == "no-store"
        body = json.loads(response.read())
    assert body["status"] == "ok" and body["database"] == "ok" and body["schema"]
