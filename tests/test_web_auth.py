"""The team server's sign-in, at the HTTP level: aiohttp's test client against the real
`WebServer` on loopback, with accounts in a real project (the mini codebook here; the sample
project in the tests that start real app processes)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shlex
import sys
import time

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from conftest import DATA, MINI, run

from codebook import Project
from codebook.model import CodebookError, User
from codebook.web.accounts import ProjectAccounts
from codebook.web.auth import Sessions, Throttle, is_loopback, same_origin
from codebook.web.server import WebServer

pytestmark = pytest.mark.anyio
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """A project with a coder and a reviewer (hashing is slow on purpose: made once)."""
    root = tmp_path_factory.mktemp("team") / "proj"
    with Project.init(root, MINI) as project:
        project.add_user("ana", PASSWORD, "coder")
        project.add_user("rita", PASSWORD, "reviewer")
    return root


def idle_tab(user):
    """A tab that starts no app (the tests here are about who gets in, not the app)."""
    script = "import sys; sys.stdin.buffer.read(1)"  # ends at the first message
    return shlex.join([sys.executable, "-c", script]), {"WHO": user.name if user else ""}


@contextlib.asynccontextmanager
async def serving(root, tab=idle_tab, auth=True, **kwargs):
    accounts = ProjectAccounts(root) if auth else None
    server = WebServer(tab, accounts, "127.0.0.1", 0, "codebook: test", **kwargs)
    client = TestClient(TestServer(await server.make_app(), host="127.0.0.1"))
    await client.start_server()
    try:
        client.origin = str(client.make_url("/")).rstrip("/")
        yield client, server
    finally:
        await client.close()
        if accounts is not None:
            accounts.close()


async def sign_in(client, name="ana", password=PASSWORD, **headers):
    return await client.post(
        "/login",
        data={"name": name, "password": password},
        allow_redirects=False,
        headers={"Origin": client.origin, **headers},
    )


async def test_without_a_session_everything_but_the_sign_in_page_is_refused(team):
    async with serving(team) as (client, _):
        index = await client.get("/", allow_redirects=False)
        assert index.status == 303 and index.headers["Location"] == "/login"
        page = await client.get("/login")
        html = await page.text()
        assert page.status == 200 and 'name="name"' in html and 'name="password"' in html
        assert (await client.get("/ws", headers={"Origin": client.origin})).status == 401
        assert (await client.get("/download/abc")).status == 401
        assert (await client.post("/logout", headers={"Origin": client.origin})).status == 401
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect("/ws", origin=client.origin)
        assert refused.value.status == 401
        forged = {"Cookie": "codebook_session=not-a-session"}
        assert (await client.get("/", headers=forged, allow_redirects=False)).status == 303


async def test_wrong_password_and_unknown_name_are_refused_alike(team, caplog):
    caplog.set_level(logging.INFO, logger="codebook.web")
    async with serving(team) as (client, _):
        wrong = await sign_in(client, "ana", "not the password")
        unknown = await sign_in(client, "nobody", PASSWORD)
        assert wrong.status == unknown.status == 401
        assert "Wrong name or password" in await wrong.text()
        assert "Set-Cookie" not in wrong.headers
        assert (await client.get("/", allow_redirects=False)).status == 303
    failures = [r.getMessage() for r in caplog.records if "sign-in failed" in r.getMessage()]
    assert len(failures) == 2 and "'ana'" in failures[0] and "127.0.0.1" in failures[0]
    assert not any(PASSWORD in r.getMessage() for r in caplog.records)
    assert not any("not the password" in r.getMessage() for r in caplog.records)


async def test_sign_in_sets_a_strict_httponly_expiring_cookie_and_opens_the_page(team):
    async with serving(team) as (client, _):
        response = await sign_in(client)
        assert response.status == 303 and response.headers["Location"] == "/"
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("codebook_session=")
        flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert {"httponly", "samesite", "max-age", "expires", "path"} <= flags
        assert "SameSite=Strict" in cookie and "secure" not in flags  # plain HTTP on loopback
        page = await client.get("/")
        html = await page.text()
        assert page.status == 200 and 'class="textual-terminal"' in html
        assert f'data-session-websocket-url="ws://{client.make_url("/").authority}/ws"' in html
        assert "sign out ana" in html
        assert "googleapis" not in html and "https://" not in html  # nothing from outside
        assert "fonts/RobotoMono-VariableFont_wght.ttf" in html
        font = await client.get("/static/fonts/RobotoMono-VariableFont_wght.ttf")
        assert font.status == 200 and len(await font.read()) > 10_000
        policy = page.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert page.headers["X-Frame-Options"] == "DENY"
        # a referrer to this site only: under no-referrer a browser's sign-in form says
        # `Origin: null`, which the origin check refuses (the Chromium test signs in for real)
        assert page.headers["Referrer-Policy"] == "same-origin"


async def test_sign_out_ends_the_session(team):
    async with serving(team) as (client, server):
        await sign_in(client)
        assert len(server.sessions) == 1
        out = await client.post("/logout", headers={"Origin": client.origin}, allow_redirects=False)
        assert out.status == 303 and out.headers["Location"] == "/login"
        assert len(server.sessions) == 0
        assert (await client.get("/", allow_redirects=False)).status == 303


async def test_failed_sign_ins_are_throttled_per_account_and_per_address(team, caplog):
    caplog.set_level(logging.WARNING, logger="codebook.web")
    async with serving(team) as (client, _):
        statuses = [(await sign_in(client, "ana", f"guess {i}")).status for i in range(5)]
        assert statuses == [401] * 5
        blocked = await sign_in(client, "ana", PASSWORD)  # even the right password, for now
        assert blocked.status == 429 and int(blocked.headers["Retry-After"]) > 0
        assert "Too many failed sign-ins" in await blocked.text()
        # the same address is throttled for other accounts too
        assert (await sign_in(client, "rita", PASSWORD)).status == 429
    assert any("throttled" in r.getMessage() for r in caplog.records)


def test_the_throttle_counts_a_sliding_minute_per_key():
    moment = [1000.0]
    throttle = Throttle(limit=5, window=60, clock=lambda: moment[0])
    ana, here, there = ("account", "ana"), ("address", "10.0.0.1"), ("address", "10.0.0.2")
    for _ in range(5):
        throttle.failed([ana, here])
    assert throttle.retry_after([ana, there]) == pytest.approx(60)  # the account is throttled
    assert throttle.retry_after([("account", "bob"), here]) > 0  # and so is the address
    assert throttle.retry_after([("account", "bob"), there]) == 0
    moment[0] += 60.5
    assert throttle.retry_after([ana, here]) == 0


def test_sessions_expire():
    moment = [0.0]
    sessions = Sessions(hours=1, clock=lambda: moment[0])
    session = sessions.create(User("ana", "coder"))
    assert sessions.get(session.token) is session
    moment[0] += 3601
    assert sessions.get(session.token) is None
    assert sessions.get("") is None and sessions.get(None) is None


async def test_websocket_from_a_foreign_origin_is_refused_even_when_signed_in(team, caplog):
    caplog.set_level(logging.WARNING, logger="codebook.web")
    async with serving(team) as (client, _):
        await sign_in(client)
        for origin in ("http://evil.example", client.origin.replace("127.0.0.1", "localhost")):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect("/ws", origin=origin)
            assert refused.value.status == 403
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await client.ws_connect("/ws")  # no Origin at all: not a page of this server
        forged = await client.post(
            "/login", data={"name": "ana", "password": PASSWORD},
            headers={"Origin": "http://evil.example"}, allow_redirects=False,
        )  # fmt: skip
        assert forged.status == 403
    assert any("evil.example" in r.getMessage() for r in caplog.records)


async def test_a_signed_in_websocket_starts_a_tab_as_its_account(team):
    started = []

    def tab(user):
        started.append(user)
        return idle_tab(user)

    async with serving(team, tab=tab) as (client, _):
        await sign_in(client, "rita")
        ws = await client.ws_connect("/ws", origin=client.origin)
        await ws.close()
    assert [(u.name, u.role, u.can_code) for u in started] == [("rita", "reviewer", False)]


async def test_a_removed_account_is_signed_out_at_its_next_tab(team, tmp_path):
    async with serving(team) as (client, _):
        with Project.open(team) as project:
            project.add_user("tmp", PASSWORD)
        await sign_in(client, "tmp")
        with Project.open(team) as project:
            project.remove_user("tmp")
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect("/ws", origin=client.origin)
        assert refused.value.status == 401


async def test_no_auth_answers_only_on_a_loopback_name(team):
    with pytest.raises(CodebookError, match="loopback"):
        WebServer(idle_tab, None, "0.0.0.0", 8000)
    async with serving(team, auth=False) as (client, _):
        assert (await client.get("/")).status == 200  # no sign-in: the page at once
        rebound = await client.get("/", headers={"Host": "evil.example"})
        assert rebound.status == 403  # DNS rebinding onto a server without sign-in


def test_origin_and_loopback_rules():
    assert same_origin("http://127.0.0.1:8000", "http", "127.0.0.1:8000")
    assert same_origin("https://team.example", "https", "team.example:443")
    assert not same_origin("http://127.0.0.1:8001", "http", "127.0.0.1:8000")
    assert not same_origin("https://127.0.0.1:8000", "http", "127.0.0.1:8000")
    assert not same_origin("null", "http", "127.0.0.1:8000")
    assert not same_origin(None, "http", "127.0.0.1:8000")
    assert all(map(is_loopback, ["127.0.0.1", "::1", "[::1]", "localhost", "127.1.2.3"]))
    assert not any(map(is_loopback, ["0.0.0.0", "10.0.0.1", "team.example", "", None]))


def test_serve_refuses_unsafe_setups(team, tmp_path):
    def serve(*args, project=team):
        return run("-p", str(project), "serve", *args, check=False)

    cases = {
        ("--host", "0.0.0.0"): "plain HTTP",
        ("--host", "0.0.0.0", "--no-auth", "--insecure-http"): "--no-auth is only allowed",
        ("--coder", "ana"): "--coder goes with --no-auth",
        ("--no-auth", "--coder", "[@click=app.quit]x[/]"): "is not allowed",
        ("--keyfile", str(tmp_path / "k.pem")): "--keyfile goes with --certfile",
        ("--certfile", str(tmp_path / "none.pem")): "no such file",
    }
    for args, message in cases.items():
        proc = serve(*args)
        assert proc.returncode == 1 and message in proc.stderr, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    proc = serve("--certfile", str(bad))
    assert proc.returncode == 1 and "cannot use the certificate" in proc.stderr
    empty = tmp_path / "empty"
    Project.init(empty, MINI).close()
    proc = serve(project=empty)
    assert proc.returncode == 1 and "users add" in proc.stderr


def self_signed(tmp_path):
    """A throwaway certificate for 127.0.0.1, made with the openssl command (skip without)."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


async def test_https_cookie_is_secure_and_host_bound(team, tmp_path):
    import ssl

    from codebook.web.run import tls_context

    cert, key = self_signed(tmp_path)
    accounts = ProjectAccounts(team)
    server = WebServer(idle_tab, accounts, "127.0.0.1", 0, "t", ssl_context=tls_context(cert, key))
    client_tls = ssl.create_default_context(cafile=str(cert))
    test_server = TestServer(await server.make_app(), host="127.0.0.1", scheme="https")
    await test_server.start_server(ssl=server.ssl_context)
    try:
        base = f"https://127.0.0.1:{test_server.port}"
        connector = aiohttp.TCPConnector(ssl=client_tls)
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(connector=connector, cookie_jar=jar) as http:
            response = await http.post(
                f"{base}/login", data={"name": "ana", "password": PASSWORD},
                headers={"Origin": base}, allow_redirects=False,
            )  # fmt: skip
            cookie = response.headers["Set-Cookie"]
            assert cookie.startswith("__Host-codebook_session=")
            assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
            page = await http.get(f"{base}/")
            assert f"wss://127.0.0.1:{test_server.port}/ws" in await page.text()
    finally:
        await test_server.close()
        accounts.close()


# -- the real app behind the sign-in ----------------------------------------------------------
TRANSCRIPT = "05-gemeente-beleidsmedewerker"


def app_tab(root):
    from codebook.tui.serve import app_command

    def tab(user):
        env = {} if user.can_code else {"CODEBOOK_READ_ONLY": "1"}
        return app_command(root, user.name, TRANSCRIPT), env

    return tab


async def screen(ws, wanted: list[str], text: str = "", timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while not all(w in text for w in wanted) and time.monotonic() < deadline:
        try:
            message = await asyncio.wait_for(ws.receive(), 2)
        except TimeoutError:
            continue
        if message.type != aiohttp.WSMsgType.BINARY:
            break
        text += message.data.decode("utf-8", "replace")
    return text


async def press_and_wait(ws, root, name: str, key: str = "T", timeout: float = 20) -> list:
    await ws.send_json(["stdin", key])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Project.open(root) as p:
            mine = p.codings(TRANSCRIPT, coder=name)
        if mine:
            return mine
        await asyncio.sleep(0.5)
    return []


async def test_a_tab_codes_as_its_account_and_a_reviewer_cannot_code(project_dir):
    with Project.open(project_dir) as p:
        p.add_user("carla", PASSWORD, "coder")
        p.add_user("rob", PASSWORD, "reviewer")
        before = len(p.codings())
    async with serving(project_dir, tab=app_tab(project_dir)) as (client, _):
        await sign_in(client, "carla")
        ws = await client.ws_connect("/ws?width=160&height=50", origin=client.origin)
        assert "carla" in await screen(ws, [TRANSCRIPT, "carla"])
        mine = await press_and_wait(ws, project_dir, "carla")
        await ws.close()
        assert [c.code for c in mine] == ["cog.basic.language"]

        client.session.cookie_jar.clear()
        await sign_in(client, "rob")
        ws = await client.ws_connect("/ws?width=160&height=50", origin=client.origin)
        assert "rob" in await screen(ws, [TRANSCRIPT, "rob"])
        assert await press_and_wait(ws, project_dir, "rob", timeout=8) == []
        told = await screen(ws, ["read-only"], timeout=20)
        assert "read-only" in told, told[-3000:]  # refused with a message, not crashed
        await ws.close()
    with Project.open(project_dir) as p:
        assert len(p.codings()) == before + 1
        assert "rob" not in p.coders()


def test_reviewer_store_refuses_writes(team):
    """What a reviewer's tab runs on: the store opened read-only (CODEBOOK_READ_ONLY=1)."""
    code = (
        "from codebook import Project\n"
        "from codebook.model import ProjectReadOnly\n"
        f"p = Project.open({str(team)!r})\n"
        "assert p.store.read_only\n"
        "try:\n"
        "    p.store.set_meta('x', 'y')\n"
        "except ProjectReadOnly as e:\n"
        "    print('refused:', e)\n"
    )
    import os
    import subprocess

    env = {**os.environ, "CODEBOOK_READ_ONLY": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert "refused:" in out.stdout and "read-only" in out.stdout, out.stderr
    assert DATA.exists()
