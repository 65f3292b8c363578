"""Starting the team server: the rules on addresses, TLS and sign-in, checked before it listens.

- Sign-in is on by default; `--no-auth` (every tab asks who is coding, as on a laptop) is
  accepted on a loopback address only, where nobody else can reach the server.
- Plain HTTP on an address other machines reach would send passwords and transcripts in the
  clear: it needs HTTPS (`--certfile`, `--keyfile`) or an explicit `--insecure-http`.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

from codebook.model import CodebookError, check_name
from codebook.web.auth import is_loopback


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    certfile: Path | None = None
    keyfile: Path | None = None
    insecure_http: bool = False
    no_auth: bool = False
    coder: str | None = None  # with --no-auth: every tab codes as this coder

    @property
    def https(self) -> bool:
        return self.certfile is not None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.https else 'http'}://{host}:{self.port}"


def check(options: ServeOptions) -> None:
    """Every reason not to start, as one clear error."""
    if options.keyfile is not None and options.certfile is None:
        raise CodebookError("--keyfile goes with --certfile (the certificate)")
    if options.no_auth and not is_loopback(options.host):
        raise CodebookError(
            f"--no-auth is only allowed on a loopback address (127.0.0.1, ::1, localhost), "
            f"not on {options.host}: anyone who reaches it could code as anyone"
        )
    if not options.https and not options.insecure_http and not is_loopback(options.host):
        raise CodebookError(
            f"serving on {options.host} over plain HTTP would send passwords and transcripts "
            "unencrypted: give --certfile and --keyfile for HTTPS, or --insecure-http if the "
            "network is trusted"
        )
    if options.coder is not None:
        if not options.no_auth:
            raise CodebookError(
                "--coder goes with --no-auth: with sign-in, each tab codes as its account"
            )
        options.coder = check_name(options.coder, "--coder")


def tls_context(certfile: Path, keyfile: Path | None) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(certfile), str(keyfile) if keyfile else None)
    except FileNotFoundError as e:
        raise CodebookError(f"{e.filename}: no such file") from None
    except (OSError, ssl.SSLError) as e:
        reason = getattr(e, "reason", None) or getattr(e, "strerror", None) or str(e)
        raise CodebookError(
            f"{certfile}: cannot use the certificate and key ({reason}); give a PEM certificate "
            "and its private key"
        ) from None
    return context


def serve(root: Path, options: ServeOptions, tab, title: str) -> None:
    """Serve the project at `root` until interrupted; `tab(user)` gives a tab's command."""
    from codebook.web.accounts import ProjectAccounts
    from codebook.web.server import WebServer

    check(options)
    context = tls_context(options.certfile, options.keyfile) if options.https else None
    accounts = None
    if not options.no_auth:
        accounts = ProjectAccounts(root)
        if not accounts.count():
            accounts.close()
            raise CodebookError(
                "no accounts yet: add one with 'codebook users add NAME' (or serve on "
                "127.0.0.1 with --no-auth for yourself only)"
            )
    server = WebServer(tab, accounts, options.host, options.port, title, context)
    try:
        server.serve()
    except OSError as e:  # the port is taken, or the host is not an address of this machine
        raise CodebookError(
            f"cannot serve on {options.host}:{options.port}: {e.strerror or e}"
        ) from None
    finally:
        if accounts is not None:
            accounts.close()
