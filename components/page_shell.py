"""The HTML shell every page's URL gets: Streamlit's index.html, told where the server is.

Opened at a page's own URL (/proposals, /votes?id=3: a link shared in a chat, a bookmark, a
reload), Streamlit's browser code cannot tell whether "/proposals" is a page or the prefix the
app is served under, so it first looks for the server at /proposals/_stcore/..., fails, waits
and only then tries /. That cost every deep link about 120 ms before the page could start
(measured with bench/browser.py). The browser code reads the server's address from
`window.__streamlit.BACKEND_BASE_URL` when a host sets it, so `KnownServer` (ASGI middleware
for server.py) sets it in the page: the site's root, under `server.baseUrlPath` when one is
configured.
"""

from __future__ import annotations

import gzip
import json

from streamlit import config


def _header(headers, name: bytes) -> bytes:
    return next((v for k, v in headers if k.lower() == name), b"")


def base_url_script(base_path: str | None = None, root_path: str = "") -> bytes:
    """The inline script that sets Streamlit's backend address to the app's root: the ASGI
    root path a proxy mounted it under, then `server.baseUrlPath`."""
    path = (
        base_path if base_path is not None else config.get_option("server.baseUrlPath") or ""
    ).strip("/")
    parts = [part for part in (root_path.strip("/"), path) if part]
    # JSON for the string; "<" escaped so that no value can close the script element.
    root = json.dumps("/" + "".join(f"{part}/" for part in parts)).replace("<", "\\u003c")
    return (
        "<script>window.__streamlit=Object.assign({},window.__streamlit,"
        f"{{BACKEND_BASE_URL:new URL({root},location.origin).href}});</script>"
    ).encode()


# Paths that never answer with the HTML shell: Streamlit's own endpoints, its bundles, and
# media (downloads are navigations too, and keep their compression).
NOT_PAGES = ("/_stcore/", "/static/", "/media/", "/component/", "/auth/")


class KnownServer:
    """ASGI middleware: puts `base_url_script()` at the top of every HTML page the server
    sends (index.html, which Streamlit serves for every page's URL). It asks the app below for
    an uncompressed body and gzips the changed page itself when the browser accepts it;
    everything else passes through untouched."""

    def __init__(self, app) -> None:
        self.app = app
        self._scripts: dict[str, bytes] = {}

    def script(self, root_path: str) -> bytes:
        if root_path not in self._scripts:
            self._scripts[root_path] = base_url_script(root_path=root_path)
        return self._scripts[root_path]

    async def __call__(self, scope, receive, send) -> None:
        headers = scope.get("headers") or []
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or b"text/html" not in _header(headers, b"accept")
            or any(part in scope.get("path", "") for part in NOT_PAGES)
        ):
            await self.app(scope, receive, send)
            return
        gzip_ok = b"gzip" in _header(headers, b"accept-encoding")
        # HEAD is answered as GET would be, without the body: the same length and headers.
        plain = dict(
            scope,
            method="GET",
            headers=[(k, v) for k, v in headers if k.lower() != b"accept-encoding"],
        )
        script = self.script(scope.get("root_path", ""))
        start: dict | None = None
        body: list[bytes] = []

        async def rewrite(message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] == 200 and b"text/html" in _header(
                    message.get("headers", []), b"content-type"
                ):
                    start = message
                    return
                await send(message)
            elif start is None:
                await send(message if scope["method"] == "GET" else dict(message, body=b""))
            else:
                body.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._send_page(
                        send,
                        start,
                        b"".join(body).replace(b"<head>", b"<head>" + script, 1),
                        gzip_ok,
                        scope["method"] == "HEAD",
                    )

        await self.app(plain, receive, rewrite)

    @staticmethod
    async def _send_page(send, start: dict, page: bytes, gzip_ok: bool, head: bool) -> None:
        # The file's own validators and byte ranges no longer describe this body.
        headers = [
            (k, v)
            for k, v in start.get("headers", [])
            if k.lower()
            not in (
                b"content-length",
                b"content-encoding",
                b"etag",
                b"last-modified",
                b"vary",
                b"accept-ranges",
            )
        ]
        headers.append((b"vary", b"Accept-Encoding"))
        if gzip_ok:
            page = gzip.compress(page)
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(page)).encode()))
        await send(dict(start, headers=headers))
        await send(
            {"type": "http.response.body", "body": b"" if head else page, "more_body": False}
        )
