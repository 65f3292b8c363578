"""The team server: textual-serve's app relay behind a sign-in.

textual-serve gives each browser tab its own app process and relays its screen over a
websocket; `WebServer` extends its `Server` with what a server for a team needs: a sign-in page,
session cookies, a per-account app process (the account's name is the coder; a reviewer's
process opens the project read-only), a check of the websocket's `Origin`, throttled and logged
failed sign-ins, HTTPS, and a page that loads nothing from outside (textual-serve's own page
loads Google Fonts; this one uses the font files textual-serve ships).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from codebook.model import CodebookError, User, check_name
from codebook.web.auth import (
    Session,
    Sessions,
    Throttle,
    cookie_name,
    host_name,
    is_loopback,
    same_origin,
    throttle_keys,
)

log = logging.getLogger("codebook.web")
TEMPLATES = Path(__file__).parent / "templates"
SWEEP_SECONDS = 30
STOP_SECONDS = 10  # for an app to quit when its tab closes, before it is killed
SESSION = web.RequestKey("session", Session)
NONCE = web.RequestKey("nonce", str)


class Accounts(Protocol):
    def authenticate(self, name: str, password: str) -> User | None: ...

    def user(self, name: str) -> User | None: ...


# What a tab runs for an account (None without sign-in): a shell command and extra environment.
TabFactory = Callable[[User | None], tuple[str, dict[str, str]]]


class TabService(AppService):
    """One tab's app process, started with the environment its account needs."""

    def __init__(self, command: str, *, session: Session, env: dict[str, str], **kwargs):
        super().__init__(command, **kwargs)
        self.session, self.extra_env = session, env

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        return {**super()._build_environment(width, height), **self.extra_env}

    async def end(self, timeout: float = STOP_SECONDS) -> None:
        """Ask the app to quit, and kill it if it has not within `timeout`: no app process
        outlives its tab or the server, even one that hangs."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop(), timeout)
        process = self._process
        if process is None or process.returncode is not None:
            return
        try:
            await asyncio.wait_for(process.wait(), 2)
        except TimeoutError:
            process.kill()
            await process.wait()


class WebServer(Server):
    def __init__(
        self,
        tab: TabFactory,
        accounts: Accounts | None,
        host: str = "127.0.0.1",
        port: int = 8000,
        title: str = "codebook",
        ssl_context: ssl.SSLContext | None = None,
        sessions: Sessions | None = None,
        throttle: Throttle | None = None,
    ):
        """`accounts` None serves without sign-in, which only a loopback address may do."""
        if accounts is None and not is_loopback(host):
            raise CodebookError(f"--no-auth: only on a loopback address, not on {host}")
        self.scheme = "https" if ssl_context else "http"
        shown = f"[{host}]" if ":" in host else host
        super().__init__("codebook", host, port, title, f"{self.scheme}://{shown}:{port}")
        self.tab, self.accounts, self.ssl_context = tab, accounts, ssl_context
        self.sessions = sessions or Sessions()
        self.throttle = throttle or Throttle()
        self.cookie = cookie_name(self.scheme == "https")
        self.anonymous = Session("", None, float("inf"))
        # one thread for password checks: argon2 takes ~0.1 s and 64 MiB, and the loop stays free
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="codebook-accounts")
        self._sweeper: asyncio.Task | None = None
        self.services: set[TabService] = set()

    # -- the application ---------------------------------------------------------------------
    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._headers, self._guard], client_max_size=65536)
        aiohttp_jinja2.setup(
            app, loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, enable_async=False
        )
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.get("/login", self.handle_login_page, name="login"),
                web.post("/login", self.handle_login, name="login_post"),
                web.post("/logout", self.handle_logout, name="logout"),
                web.static("/static", self.statics_path, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    def make_app(self):
        """The aiohttp application (for aiohttp's test client, and for `serve`)."""
        return self._make_app()

    @web.middleware
    async def _headers(self, request: web.Request, handler):
        """Security headers on every answer, errors included."""
        try:
            response = await handler(request)
        except web.HTTPException as e:
            _protect(e.headers, request)
            raise
        if not response.prepared:
            _protect(response.headers, request)
        return response

    @web.middleware
    async def _guard(self, request: web.Request, handler):
        """Everything but the sign-in page and the static files needs a session; the
        websocket also needs this server as its `Origin`."""
        if request.path.startswith("/static/"):
            return await handler(request)
        if self.accounts is None and not is_loopback(host_name(request.host)):
            raise web.HTTPForbidden(text="this server answers on its loopback name only")
        origin = request.headers.get("Origin")
        if request.method == "POST" and origin and not self._own(origin, request):
            log.warning("refused a %s %s from origin %s", request.method, request.path, origin)
            raise web.HTTPForbidden(text="refused: the request comes from another site")
        if request.path == "/login":
            return await handler(request)
        session = self.session_of(request)
        if session is None:
            if request.path == "/" and request.method == "GET":
                raise web.HTTPSeeOther("/login")
            raise web.HTTPUnauthorized(text="sign in first")
        if request.path == "/ws" and not self._own(origin, request):
            log.warning("refused a websocket from origin %s (%s)", origin, request.remote)
            raise web.HTTPForbidden(text="refused: the websocket comes from another site")
        request[SESSION] = session
        return await handler(request)

    def session_of(self, request: web.Request) -> Session | None:
        if self.accounts is None:
            return self.anonymous
        return self.sessions.get(request.cookies.get(self.cookie))

    def _own(self, origin: str | None, request: web.Request) -> bool:
        return same_origin(origin, self.scheme, request.host)

    # -- pages ---------------------------------------------------------------------------------
    async def handle_index(self, request: web.Request) -> web.Response:
        session: Session = request[SESSION]
        ws = "wss" if self.scheme == "https" else "ws"
        context = {
            "font_size": min(max(to_int(request.query.get("fontsize", "16"), 16), 6), 48),
            "app_websocket_url": f"{ws}://{request.host}/ws",
            "static_url": "/static/",
            "title": self.title,
            "user": session.user,
            "nonce": _nonce(request),
        }
        return aiohttp_jinja2.render_template("index.html", request, context)

    async def handle_login_page(self, request: web.Request) -> web.Response:
        if self.accounts is None or self.session_of(request) is not None:
            return _redirect("/")
        return self._login_page(request)

    def _login_page(self, request, status: int = 200, error: str = "", name: str = ""):
        context = {"title": self.title, "error": error, "name": name, "nonce": _nonce(request)}
        response = aiohttp_jinja2.render_template("login.html", request, context, status=status)
        return response

    async def handle_login(self, request: web.Request) -> web.Response:
        if self.accounts is None:
            return _redirect("/")
        form = await request.post()
        name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
        keys = throttle_keys(name, request.remote)
        wait = self.throttle.retry_after(keys)
        if wait > 0:
            log.warning("sign-in refused (throttled) for %s from %s", _shown(name), request.remote)
            response = self._login_page(
                request, 429, f"Too many failed sign-ins: try again in {int(wait) + 1} s.", name
            )
            response.headers["Retry-After"] = str(int(wait) + 1)
            return response
        loop = asyncio.get_running_loop()
        user = await loop.run_in_executor(self.worker, self.accounts.authenticate, name, password)
        if user is None:
            self.throttle.failed(keys)
            log.warning("sign-in failed for %s from %s", _shown(name), request.remote)
            return self._login_page(request, 401, "Wrong name or password.", name)
        self.throttle.clear(keys[0])
        session = self.sessions.create(user)
        log.info("%s (%s) signed in from %s", user.name, user.role, request.remote)
        response = _redirect("/")
        response.set_cookie(
            self.cookie,
            session.token,
            max_age=int(self.sessions.lifetime),
            expires=_http_date(session.expires),
            path="/",
            secure=self.scheme == "https",
            httponly=True,
            samesite="Strict",
        )
        return response

    async def handle_logout(self, request: web.Request) -> web.Response:
        session: Session = request[SESSION]
        if session is not self.anonymous:
            self.sessions.end(session.token)
            await _close_all(session)
            log.info("%s signed out", session.name)
        response = _redirect("/login" if self.accounts is not None else "/")
        response.del_cookie(self.cookie, path="/", secure=self.scheme == "https", samesite="Strict")
        return response

    # -- the app relay -------------------------------------------------------------------------
    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab: an app process for this session's account, relayed as textual-serve does."""
        session: Session = request[SESSION]
        user = await self._current(session)
        command, env = self.tab(user)
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        service: TabService | None = None
        try:
            await websocket.prepare(request)
            session.sockets.add(websocket)
            service = TabService(
                command,
                session=session,
                env=env,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            self.services.add(service)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # noqa: BLE001 (as textual-serve: log, and end this tab)
            log.exception(error)
        finally:
            session.sockets.discard(websocket)
            if service is not None:
                await service.end()
                self.services.discard(service)
        return websocket

    async def _current(self, session: Session) -> User | None:
        """The session's account as it is now: removed accounts are signed out, and a changed
        role holds from the next tab."""
        if session.user is None:
            return None
        loop = asyncio.get_running_loop()
        user = await loop.run_in_executor(self.worker, self.accounts.user, session.user.name)
        if user is None:
            self.sessions.end(session.token)
            raise web.HTTPUnauthorized(text="this account no longer exists")
        return user

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A file the app offers: only to the session whose tab offered it."""
        session: Session = request[SESSION]
        try:
            download = await self.download_manager.get_download_metadata(request.match_info["key"])
        except KeyError:
            raise web.HTTPNotFound(text="no such download") from None
        if getattr(download.app_service, "session", None) is not session:
            raise web.HTTPNotFound(text="no such download")
        return await super().handle_download(request)

    # -- running -------------------------------------------------------------------------------
    async def on_startup(self, app: web.Application) -> None:
        how = "sign-in required" if self.accounts is not None else "no sign-in (loopback only)"
        self.console.print(f"Serving {self.title} on {self.public_url} ({how})", highlight=False)
        self.console.print("Press Ctrl+C to quit", highlight=False)
        self._sweeper = asyncio.create_task(self._sweep())

    async def on_shutdown(self, app: web.Application) -> None:
        """Every tab's app ends with the server (each commits its work as it goes)."""
        if self._sweeper is not None:
            self._sweeper.cancel()
        await asyncio.gather(*(s.end() for s in self.services), return_exceptions=True)
        self.worker.shutdown(wait=False)

    async def _sweep(self) -> None:
        """Close the tabs of sessions that have expired."""
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            for session in self.sessions.prune():
                log.info("session of %s expired", session.name)
                await _close_all(session)

    def serve(self, debug: bool = False) -> None:
        """Serve until Ctrl+C or SIGTERM (textual-serve's loop, with TLS when configured)."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        with contextlib.suppress(NotImplementedError):  # Windows: asyncio has no signal handlers
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            ssl_context=self.ssl_context,
            handle_signals=False,
            loop=loop,
            print=lambda *args: None,
        )


def _redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def _http_date(moment: float) -> str:
    from email.utils import formatdate

    return formatdate(moment, usegmt=True)


def _nonce(request: web.Request) -> str:
    if NONCE not in request:
        request[NONCE] = secrets.token_urlsafe(16)
    return request[NONCE]


def _protect(headers, request: web.Request) -> None:
    """No framing, no sniffing, no referrer to other sites, nothing from elsewhere, nothing
    cached. Not `no-referrer`: under it a browser sends `Origin: null` with the sign-in form,
    which the origin check rightly refuses."""
    nonce = request.get(NONCE)
    scripts = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "font-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    if not request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"


async def _close_all(session: Session) -> None:
    for websocket in list(session.sockets):
        with contextlib.suppress(Exception):
            await websocket.close()


def _shown(name: str) -> str:
    """A name fit for the log: as it is if it is a valid name, else not at all (log injection)."""
    try:
        return repr(check_name(name, "name"))
    except CodebookError:
        return "an invalid name"
