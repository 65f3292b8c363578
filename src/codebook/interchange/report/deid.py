"""Dutch de-identification with `deduce` (persons, places, institutions, dates, phone numbers,
e-mail addresses, URLs and ids), offline.

deduce ships its lookup lists (names, places, healthcare institutions) and builds search tries
from them once, which takes a minute or more; the tries are cached. The cache lives in
codebook's cache folder (`$XDG_CACHE_HOME/codebook` or `~/.cache/codebook`), next to a copy of
the lists, so a reinstall of the package does not throw it away; it is built by
`python -m codebook.interchange.report.deid` (which `make` runs after installing), or on first
use with a spinner on a terminal. Built in a temporary folder and renamed into place, so two
processes building at once never read half a cache.

deduce's list of 300,000 Dutch street names is left out of the copy: it is half the load time,
interviews seldom give an address, and deduce's street pattern (`...straat`, `...laan`, ...)
still finds the streets that are named.

    python -m codebook.interchange.report.deid [--check]
"""

from __future__ import annotations

import gc
import importlib.metadata
import logging
import os
import shutil
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from codebook.files import cache_home
from codebook.model import CodebookError

LEFT_OUT = ("locations/lst_street",)  # lists whose items are emptied in the copy
# deduce's tags -> kinds of the pseudonym mapping
KINDS = {
    "persoon": "person", "patient": "person",
    "locatie": "place", "straat": "place", "postcode": "place", "postbus": "place",
    "huisnummer": "place",
    "ziekenhuis": "institution", "zorginstelling": "institution", "instelling": "institution",
    "datum": "date",
    "telefoonnummer": "contact", "emailadres": "contact", "url": "url",
    "bsn": "id", "id": "id",
}  # fmt: skip


def version() -> str:
    try:
        return importlib.metadata.version("deduce")
    except importlib.metadata.PackageNotFoundError:
        raise CodebookError(
            "pseudonymisation of Dutch text needs the package deduce (pip install deduce)"
        ) from None


def cache_dir() -> Path:
    return cache_home() / f"deduce-{version()}"


def is_built() -> bool:
    return (cache_dir() / "cache" / "lookup_structs.pickle").is_file()


@lru_cache(maxsize=1)
def deidentifier():
    """The Deduce instance of this process (loading its cache takes a few seconds)."""
    target = cache_dir()
    if not is_built():
        _spinning("building deduce's name and place lists (once, about a minute)", build)
    return _spinning("loading deduce's name and place lists", lambda: _load(target))


def build() -> Path:
    """Copy deduce's lookup lists and build their cache, atomically; returns the folder."""
    target = cache_dir()
    if (target / "cache" / "lookup_structs.pickle").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        _copy_lists(work)
        _load(work)  # builds and caches the tries in work/cache
        try:
            os.rename(work, target)
        except OSError:
            if not (target / "cache" / "lookup_structs.pickle").is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)  # gone already when the rename happened
    return target


def _copy_lists(work: Path) -> None:
    source = _package_lists()
    shutil.copytree(source / "src", work / "src")
    for name in LEFT_OUT:
        for items in (work / "src" / name).glob("*.txt"):
            if items.name != "exceptions.txt":
                items.write_text("", encoding="utf-8")


def _package_lists() -> Path:
    from importlib.util import find_spec

    spec = find_spec("deduce")
    if spec is None or spec.origin is None:
        version()  # raises the clear error
        raise CodebookError("cannot find the package deduce")
    return Path(spec.origin).parent / "data" / "lookup"


def _load(folder: Path):
    """A Deduce on the lists and cache in `folder` (built there when missing)."""
    root = logging.getLogger()
    guard = None
    if not root.handlers:  # deduce calls logging.basicConfig(stream=sys.stdout, DEBUG) on import
        guard = logging.NullHandler()
        root.addHandler(guard)
    collecting = gc.isenabled()
    gc.disable()  # unpickling millions of trie nodes: the collector would double the time
    try:
        from deduce import Deduce

        found = Deduce(lookup_data_path=folder, cache_path=folder)
        gc.freeze()  # and later collections need not walk them again
        return found
    finally:
        if collecting:
            gc.enable()
        if guard is not None:
            root.removeHandler(guard)


def _spinning(message: str, work):
    from codebook.progress import interactive

    if not interactive():
        return work()
    from rich.console import Console

    with Console(stderr=True).status(message):
        return work()


def annotations(texts) -> list[tuple[str, str, int, str]]:
    """(kind, found text, start, text) of every finding in `texts` (each text once)."""
    from codebook.progress import track

    deduce = deidentifier()
    unique = list(dict.fromkeys(t for t in texts if isinstance(t, str) and t.strip()))
    out = []
    for text in track(unique, "finding names (deduce)"):
        for a in deduce.deidentify(text).annotations:
            kind = KINDS.get(a.tag)
            if kind is not None:
                out.append((kind, a.text, a.start_char, text))
    return out


def main() -> None:
    check = "--check" in sys.argv[1:]
    if check:
        print(f"deduce {version()}: cache {'built' if is_built() else 'missing'} in {cache_dir()}")
        sys.exit(0 if is_built() else 1)
    if is_built():
        print(f"deduce's lists are built already ({cache_dir()})")
        return
    print("building deduce's name and place lists (once; a minute or two)...", flush=True)
    print(f"done: {build()}")


if __name__ == "__main__":
    main()
