"""`codebook serve`: the workbench in a web browser, as a team member without a terminal uses it.

The server runs as a real subprocess on a free localhost port; the page is fetched over HTTP, the
app's screen is read from the same websocket the browser uses, and headless Chromium (driven over
the DevTools protocol) loads the page, shows the app and codes a segment with a hotkey.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import aiohttp
import pytest
from conftest import codebook_exe, run
from PIL import Image

from codebook import Project

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CODER = "browser_coder"
PASSWORD = "correct horse battery staple"
TRANSCRIPT = "05-gemeente-beleidsmedewerker"
ANSI = re.compile(rb"\x1b(\[[0-9;?$]*[A-Za-z~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9])")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 5) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        assert response.status == 200
        return response.read().decode("utf-8")


@contextlib.contextmanager
def serving(project: Path, *args: str, log: Path):
    """`codebook serve` on a free port until the block ends; always stopped, waits bounded."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("CODEBOOK_PROJECT", "CODEBOOK_DB")}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [codebook_exe(), "-p", str(project), "serve", "--port", str(port), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: the app processes go with it
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"codebook serve exited {proc.returncode}:\n{log.read_text()}")
            try:
                fetch(url, timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"codebook serve did not answer in 60 s:\n{log.read_text()}")
                time.sleep(0.2)
        yield url
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):  # app processes still closing
        os.killpg(proc.pid, signal.SIGKILL)


def add_user(project: Path, name: str, password: str) -> None:
    """An account as an admin makes one, the password on standard input."""
    subprocess.run(
        [codebook_exe(), "-p", str(project), "users", "add", name, "--password-stdin"],
        input=password + "\n", text=True, check=True, capture_output=True, timeout=60,
    )  # fmt: skip


@pytest.fixture
def project(sample_project, tmp_path) -> Path:
    """A copy of the sample project, so coding in the browser changes no other test's data."""
    copy = tmp_path / "project"
    shutil.copytree(sample_project, copy)
    return copy


class Tab:
    """A browser tab as the server sees it: the app's screen from the websocket, keys sent back."""

    def __init__(self, ws):
        self.ws, self.raw, self.text = ws, b"", ""

    async def wait_for(self, wanted: list[str], after: int = 0, timeout: float = 60) -> bool:
        """Read the screen until every wanted text was drawn after position `after`."""
        deadline = time.monotonic() + timeout
        while not all(w in self.text[after:] for w in wanted):
            if time.monotonic() > deadline:
                return False
            try:
                message = await asyncio.wait_for(self.ws.receive(), 2)
            except TimeoutError:
                continue
            if message.type != aiohttp.WSMsgType.BINARY:
                return False
            self.raw += message.data
            self.text = ANSI.sub(b"", self.raw).decode("utf-8", "replace")
        return True

    async def keys(self, text: str) -> int:
        """Type into the app; returns the screen position from which its answer is drawn."""
        mark = len(self.text)
        await self.ws.send_json(["stdin", text])
        return mark


@contextlib.asynccontextmanager
async def tab(ws_url: str):
    async with aiohttp.ClientSession() as session:
        # a browser sends its page's origin; the server refuses a websocket without its own
        origin = ws_url.replace("ws://", "http://").removesuffix("/ws")
        async with session.ws_connect(ws_url + "?width=160&height=50", origin=origin) as ws:
            yield Tab(ws)


async def screen_text(ws_url: str, wanted: list[str], timeout: float = 60) -> str:
    """What the app draws, read from the websocket a browser tab would use."""
    async with tab(ws_url) as t:
        await t.wait_for(wanted, timeout=timeout)
        return t.text


def test_serves_the_textual_page_and_the_app_on_the_project(project, tmp_path):
    with Project.open(project) as p:
        names = [t.name for t in p.transcripts()]
    assert len(names) > 1
    with serving(project, "--no-auth", "--coder", CODER, log=tmp_path / "serve.log") as url:
        page = fetch(url)
        port = url.rsplit(":", 1)[1].strip("/")
        assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in page
        assert "/static/js/textual.js" in page and 'class="textual-terminal"' in page
        assert "codebook: project" in page  # the title names the project
        text = asyncio.run(screen_text(f"ws://127.0.0.1:{port}/ws", names))
    missing = [n for n in names if n not in text]
    assert not missing, f"transcripts not on the served screen: {missing}\n{text[:2000]}"
    assert "% coded" in text  # the transcript list of the workbench
    assert "Serving" in (tmp_path / "serve.log").read_text()


async def stored(project: Path, coder: str, timeout: float = 60) -> list:
    """The coder's codings of TRANSCRIPT once the app has committed any (empty after timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Project.open(project) as p:
            mine = p.codings(TRANSCRIPT, coder=coder)
        if mine:
            return mine
        await asyncio.sleep(0.5)
    return []


class DevTools:
    """Just enough of the Chrome DevTools protocol: call a method, get its result."""

    def __init__(self, ws):
        self.ws, self.next_id = ws, 0

    async def call(self, method: str, **params):
        self.next_id += 1
        await self.ws.send_json({"id": self.next_id, "method": method, "params": params})
        while True:
            message = await asyncio.wait_for(self.ws.receive_json(), 30)
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message["result"]

    async def js(self, expression: str):
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")


async def code_in_browser(port: int, url: str, project: Path, shot: Path) -> list:
    """Sign in through the page, wait for the app's first screen, screenshot it, press a code
    hotkey."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/json/list") as response:
            page = next(t for t in await response.json() if t["type"] == "page")
        async with session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            chrome = DevTools(ws)
            await chrome.call("Page.navigate", url=url)
            deadline = time.monotonic() + 30
            while not await chrome.js("!!document.querySelector('form[action=\"/login\"]')"):
                assert time.monotonic() < deadline, "no sign-in page in the browser"
                await asyncio.sleep(0.2)
            await chrome.js(
                f"document.getElementById('name').value = {CODER!r};"
                f"document.getElementById('password').value = {PASSWORD!r};"
                "document.querySelector('form').submit()"
            )
            deadline = time.monotonic() + 90
            while "-first-byte" not in (await chrome.js("document.body.className") or ""):
                assert time.monotonic() < deadline, "the app never drew in the browser"
                await asyncio.sleep(0.5)
            await asyncio.sleep(3)  # let the first frames paint
            data = await chrome.call("Page.captureScreenshot", format="png")
            shot.write_bytes(base64.b64decode(data["data"]))
            await chrome.js("document.querySelector('.xterm-helper-textarea').focus()")
            await chrome.call("Input.insertText", text="T")  # Taalvaardigheid
            return await stored(project, CODER)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make chromium)")
def test_chromium_shows_the_app_and_codes_a_segment(project, tmp_path):
    profile = tmp_path / "chromium-profile"
    browser = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "--window-size=1280,800",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (active.exists() and active.read_text().strip()):
            assert browser.poll() is None, "Chromium exited at start"
            assert time.monotonic() < deadline, "Chromium did not open its DevTools port"
            time.sleep(0.2)
        devtools_port = int(active.read_text().split()[0])
        add_user(project, CODER, PASSWORD)
        with serving(project, "--transcript", TRANSCRIPT, log=tmp_path / "serve.log") as url:
            shot = tmp_path / "browser.png"
            mine = asyncio.run(code_in_browser(devtools_port, url, project, shot))
    finally:
        stop(browser)

    image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    assert image.width > 800 and image.height > 400
    colours = image.getcolors(maxcolors=1 << 20)
    background = max(colours)[1]
    drawn = sum(n for n, c in colours if c != background) / (image.width * image.height)
    assert len(colours) > 50 and drawn > 0.05, "the screenshot shows no app"

    assert len(mine) == 1, "the hotkey pressed in the browser was not stored"
    assert mine[0].code == "cog.basic.language"
    with Project.open(project) as p:
        text = p.transcript(TRANSCRIPT).text
    assert text[mine[0].start : mine[0].end].strip()


async def code_as(ws_url: str, project: Path, coder: str) -> list:
    """One tab: sign in as `coder`, code the first segment with a hotkey, return the coding."""
    async with tab(ws_url) as t:
        assert await t.wait_for(["who is coding?"]), t.text[-2000:]
        mark = await t.keys(coder + "\r")
        assert await t.wait_for([TRANSCRIPT, coder], after=mark), t.text[-2000:]
        await t.keys("T")  # Taalvaardigheid
        return await stored(project, coder)


def test_one_server_each_tab_its_own_coder(project, tmp_path):
    """--no-auth without --coder: each tab asks who is coding; two tabs code as two coders."""
    with serving(
        project, "--no-auth", "--transcript", TRANSCRIPT, log=tmp_path / "serve.log"
    ) as url:
        ws_url = url.replace("http://", "ws://") + "ws"

        async def both():
            return await asyncio.gather(
                code_as(ws_url, project, "ana"), code_as(ws_url, project, "bram")
            )

        ana, bram = asyncio.run(both())
    assert "each browser tab asks who is coding" in (tmp_path / "serve.log").read_text()
    assert [c.coder for c in ana] == ["ana"] and [c.coder for c in bram] == ["bram"]
    assert ana[0].code == bram[0].code == "cog.basic.language"
    with Project.open(project) as p:
        assert {"ana", "bram"} <= set(p.coders())


def test_serve_reports_user_errors(tmp_path):
    proc = run("-p", str(tmp_path), "serve", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_serve_reports_a_port_in_use(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [codebook_exe(), "-p", str(project), "serve", "--no-auth", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"cannot serve on 127.0.0.1:{port}" in proc.stderr
