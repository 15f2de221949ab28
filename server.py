"""ASGI entry: the Streamlit app, two small routes for the login cookie, and /healthz.

Streamlit has no API to set a cookie from a script, so the script hands the browser a
one-time token (see core/accounts/sessions.py) that it redeems here for a signed, expiring,
HttpOnly, SameSite=Lax cookie, and for the long-lived device cookie that exempts this
browser from lockouts aimed at its accounts (core/accounts/devices.py). `streamlit run
server.py` serves both, and every HTML page names the server's address
(components/page_shell.py), so a page's own URL connects at once. /healthz says whether the
database answers at the newest schema (db/health.py), and the app's events go to stderr as
logfmt lines (core/observability.py).
"""

import os
from urllib.parse import urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

# With a `pages/` folder beside app.py, Streamlit starts in its legacy multipage mode until
# some session has called st.navigation; if the first request of a server process is for a
# page URL (e.g. /login), that page file would run on its own, without app.py's login gate
# and navigation, for every session. app.py always navigates explicitly, so turn the legacy
# mode off before any session starts. (Each page checks its own permission regardless.)
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402

from components.page_shell import KnownServer
from core.accounts import devices, sessions
from core.observability import configure_logging
from core.observability import health as app_health

PagesManager.uses_pages_directory = False

SECURE_COOKIES = os.environ.get("YISHITING_SECURE_COOKIES", "0") == "1"
MAX_AGE = int(sessions.ABSOLUTE_TIMEOUT.total_seconds())
DEVICE_MAX_AGE = int(devices.TTL.total_seconds())


def _same_origin(request: Request) -> bool:
    """Browsers send Origin on POST: refuse requests made from another site's page."""
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.url.netloc


async def redeem(request: Request) -> Response:
    if not _same_origin(request):
        return Response(status_code=403)
    form = await request.form()
    # A database write: off the event loop, so a busy SQLite never stalls the websockets.
    cookie = await run_in_threadpool(sessions.redeem_handoff, str(form.get("token", "")))
    if cookie is None:
        return Response(status_code=403)
    device = await run_in_threadpool(
        devices.cookie_after_login,
        sessions.session_id_from_cookie(cookie),
        request.cookies.get(devices.COOKIE_NAME),
    )
    response = Response(status_code=204)
    response.set_cookie(
        sessions.COOKIE_NAME,
        cookie,
        max_age=MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=SECURE_COOKIES,
        path="/",
    )
    if device:  # kept at logout: it trusts the browser, it does not log anyone in
        response.set_cookie(
            devices.COOKIE_NAME,
            device,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=SECURE_COOKIES,
            path="/",
        )
    return response


async def logout(request: Request) -> Response:
    if not _same_origin(request):
        return Response(status_code=403)
    response = Response(status_code=204)
    response.delete_cookie(
        sessions.COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=SECURE_COOKIES
    )
    return response


async def health(_request: Request) -> Response:
    """For a monitor or load balancer: 200 when the database answers and its schema is the
    newest migration, else 503; a small JSON body says which."""
    healthy, details = await run_in_threadpool(app_health)
    return JSONResponse(
        {"status": "ok" if healthy else "unhealthy", **details},
        status_code=200 if healthy else 503,
        headers={"Cache-Control": "no-store"},
    )


configure_logging()
app = st.App(
    "app.py",
    routes=[
        Route("/auth/session", redeem, methods=["POST"]),
        Route("/auth/logout", logout, methods=["POST"]),
        Route("/healthz", health, methods=["GET", "HEAD"]),
    ],
    middleware=[Middleware(KnownServer)],
)
