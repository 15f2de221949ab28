"""components/page_shell.py: every HTML page names the server's address, nothing else changes."""

from __future__ import annotations

import asyncio
import gzip
from concurrent.futures import ThreadPoolExecutor

import pytest

from components.page_shell import KnownServer, base_url_script

PAGE = b"<!DOCTYPE html><html><head><title>Streamlit</title></head><body></body></html>"


def downstream(status=200, content_type=b"text/html; charset=utf-8", body=PAGE, chunks=1):
    """A stand-in for Streamlit's static handler; records the request headers it saw."""
    seen = {}

    async def app(scope, receive, send):
        seen["headers"] = dict(scope.get("headers") or [])
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                    (b"etag", b'"abc"'),
                    (b"last-modified", b"yesterday"),
                    (b"accept-ranges", b"bytes"),
                ],
            }
        )
        size = -(-len(body) // chunks) if body else 1
        parts = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
        for i, part in enumerate(parts):
            await send(
                {"type": "http.response.body", "body": part, "more_body": i < len(parts) - 1}
            )

    return app, seen


def call(
    app,
    *,
    method="GET",
    accept=b"text/html,application/xhtml+xml",
    encoding=b"",
    kind="http",
    path="/proposals",
    root_path="",
):
    headers = [(b"accept", accept)] + ([(b"accept-encoding", encoding)] if encoding else [])
    scope = {
        "type": kind,
        "method": method,
        "path": path,
        "headers": headers,
        "root_path": root_path,
    }
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    # On a thread of its own: the browser tests' Playwright keeps an event loop running here.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, KnownServer(app)(scope, receive, send)).result()
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start, dict(start["headers"]), body


@pytest.mark.parametrize("chunks", [1, 3])
def test_an_html_page_gets_the_script_first_in_its_head(chunks):
    app, _ = downstream(chunks=chunks)
    start, headers, body = call(app)
    script = base_url_script("")
    assert start["status"] == 200
    assert body == PAGE.replace(b"<head>", b"<head>" + script)
    assert headers[b"content-length"] == str(len(body)).encode()
    # The file's own validators and byte ranges do not describe the changed page.
    assert not {b"etag", b"last-modified", b"accept-ranges"} & set(headers)


def test_head_answers_what_get_would_without_the_body():
    app, seen = downstream()
    _, got, page = call(app, encoding=b"gzip")
    _, headers, body = call(app, method="HEAD", encoding=b"gzip")
    assert body == b"" and headers == got and len(page) == int(headers[b"content-length"])


def test_a_download_keeps_its_compression():
    app, seen = downstream(content_type=b"text/csv", body=b"a,b\n")
    _, headers, body = call(app, encoding=b"gzip", path="/media/0f3a.csv")
    assert seen["headers"][b"accept-encoding"] == b"gzip"  # asked of the app below as sent
    assert body == b"a,b\n"


def test_an_app_mounted_under_a_root_path_names_that_path():
    app, _ = downstream()
    _, _, body = call(app, root_path="/hall")
    assert b'new URL("/hall/",location.origin)' in body


def test_compressed_for_browsers_that_accept_gzip_and_asked_plain_downstream():
    app, seen = downstream()
    _, headers, body = call(app, encoding=b"gzip, deflate, br")
    assert headers[b"content-encoding"] == b"gzip"
    assert b"BACKEND_BASE_URL" in gzip.decompress(body)
    assert headers[b"content-length"] == str(len(body)).encode()
    assert b"accept-encoding" not in seen["headers"]  # so the page below comes uncompressed


@pytest.mark.parametrize(
    "case",
    [
        dict(
            call=dict(accept=b"*/*"), app=dict(content_type=b"application/javascript")
        ),  # a bundle
        dict(call=dict(), app=dict(content_type=b"application/json", body=b"{}")),  # JSON
        dict(call=dict(), app=dict(status=304, body=b"")),  # not modified: no body to change
        dict(call=dict(method="POST"), app=dict()),  # the login cookie routes
        dict(call=dict(path="/_stcore/host-config"), app=dict()),  # Streamlit's own endpoints
        dict(call=dict(), app=dict(status=404)),
    ],
)
def test_everything_else_passes_through_untouched(case):
    app, _ = downstream(**case["app"])
    start, headers, body = call(app, **case["call"])
    assert body == case["app"].get("body", PAGE)
    assert b"BACKEND_BASE_URL" not in body
    assert headers[b"etag"] == b'"abc"'


@pytest.mark.parametrize(
    "base_path, root", [("", '"/"'), ("/yishiting/", '"/yishiting/"'), ("a/b", '"/a/b/"')]
)
def test_the_address_is_the_sites_root_under_the_configured_base_path(base_path, root):
    script = base_url_script(base_path).decode()
    assert f"new URL({root},location.origin)" in script
    assert script.startswith("<script>") and script.endswith("</script>")


def test_no_configured_value_can_close_the_script_element():
    script = base_url_script("</script><script>alert(1)").decode()
    assert script.count("</script>") == 1 and script.endswith("</script>")
