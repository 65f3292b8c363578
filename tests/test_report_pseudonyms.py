"""Pseudonymised reports: names found, mapping written, researcher's edits kept and applied."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import run
from lxml import html as lxml_html

from codebook.interchange.report.pseudonyms import Pseudonymiser, detect, propose


def shown_text(path) -> str:
    """Everything in a report that comes from the interviews: quotes, sources, memos."""
    tree = lxml_html.fromstring(path.read_bytes())
    parts = tree.xpath("//blockquote//text() | //li//text()")
    return " ".join(parts)


@pytest.fixture(scope="module")
def first_run(sample_project, tmp_path_factory):
    out = tmp_path_factory.mktemp("pseudo")
    mapping = out / "names.csv"
    proc = run(
        "-p", str(sample_project), "report", "-o", str(out / "r.html"),
        "--pseudonymise", str(mapping), "--lang", "en",
    )  # fmt: skip
    return out, mapping, proc


def test_names_are_found_and_replaced(first_run):
    out, mapping, proc = first_run
    assert re.search(r"\d+ new name\(s\) added to .*names\.csv", proc.stderr)
    table = pd.read_csv(mapping, dtype=str, keep_default_na=False)
    assert list(table.columns) == ["name", "pseudonym", "kind", "occurrences"]
    kinds = dict(zip(table["name"], table["kind"], strict=True))
    for speaker in ("Sandra", "Yusuf", "Ilse Bakker"):
        assert kinds[speaker] == "speaker"
    for person in ("Amina", "Yassin", "Hanneke", "Yildiz"):
        assert kinds[person] == "person"
    assert kinds["Osdorp"] == "place"
    for word in ("R", "Interviewer", "Leerkracht", "Nederlands", "Belastingdienst"):
        assert word not in kinds, word  # roles and Dutch words, also in an English report
    text = shown_text(out / "r.html")
    hidden = table[table["pseudonym"] != table["name"]]
    assert len(hidden) > 10
    for name in hidden["name"]:
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text), name
    assert "Person " in text
    assert "01-ouder-nt2-amina" not in text and "01-ouder-nt2-person-" in text
    assert "08-inkomensverwerver-nt1-peter" not in (out / "r.html").read_text(encoding="utf-8")
    assert "Ilse Bakker" not in (out / "r.html").read_text(encoding="utf-8")


def test_edits_to_the_mapping_are_kept_and_applied(first_run, sample_project):
    out, mapping, _ = first_run
    table = pd.read_csv(mapping, dtype=str, keep_default_na=False)
    table.loc[table["name"] == "Sandra", "pseudonym"] = "Fleur"
    table.loc[table["name"] == "Yassin", "pseudonym"] = "Yassin"  # keep this one
    table.to_csv(mapping, index=False)
    proc = run(
        "-p", str(sample_project), "report", "-o", str(out / "again.html"),
        "--pseudonymise", str(mapping),
    )  # fmt: skip
    assert "new name" not in proc.stderr
    text = shown_text(out / "again.html")
    assert "Fleur" in text and not re.search(r"\bSandra\b", text)
    assert re.search(r"\bYassin\b", text)
    after = pd.read_csv(mapping, dtype=str, keep_default_na=False)
    assert after.equals(table.astype(str))


def test_detect_rules_on_dutch_and_english():
    texts = [
        "Ik ben Amina. Mijn buurvrouw Hanneke helpt, en mevrouw De Vries van school ook.",
        "We wonen in Osdorp. Gisteren zei Hanneke dat het Nederlands moeilijk is.",
        "Laaggeletterdheid is een groot probleem bij het UWV en bij DigiD.",
        "My name is Rosalind and I moved here from Kirkcaldy.",
    ]
    found = detect(texts, ["R", "Interviewer", "Jeroen", "Leerkracht"], "nl", roles={"leerkracht"})
    kinds = dict(zip(found["name"], found["kind"], strict=True))
    assert kinds["Jeroen"] == "speaker"
    assert kinds["Amina"] == kinds["Hanneke"] == kinds["De Vries"] == "person"
    assert kinds["Rosalind"] == "person"
    assert kinds["Osdorp"] == kinds["Kirkcaldy"] == "place"
    for word in ("R", "Interviewer", "Leerkracht", "Nederlands", "Laaggeletterdheid", "UWV"):
        assert word not in kinds, word
    # a known word (`Peter`) is a name when the file is named after it and the text capitalises it
    sources = {"08-werkzoekende-peter": "Hij zei: Peter, ik snap het. Ik werk voor de ouder."}
    found = detect([], [], "nl", sources=sources)
    assert list(found["name"]) == ["Peter"]


def test_propose_numbers_new_names_after_existing_ones():
    existing = pd.DataFrame(
        [["Amina", "Persoon 4", "person", "2"]],
        columns=["name", "pseudonym", "kind", "occurrences"],
    )
    found = detect(
        ["Ik ben Amina. Daarna kwam Jolanda, en later Jolanda Tuinstra."], ["Ilse Bakker"]
    )
    table = propose(found, existing)
    mapping = dict(zip(table["name"], table["pseudonym"], strict=True))
    assert mapping["Amina"] == "Persoon 4"
    assert mapping["Ilse Bakker"] == "Persoon 5"
    assert mapping["Ilse"] == mapping["Bakker"] == "Persoon 5"
    assert mapping["Jolanda"] == "Persoon 6"


def test_pseudonymiser_replaces_whole_names_only():
    mapping = pd.DataFrame(
        {"name": ["Amina", "Ilse Bakker", "Osdorp"], "pseudonym": ["Persoon 1", "Persoon 2", ""]}
    )
    hide = Pseudonymiser(mapping)
    assert hide.text("Amina en Aminata, Ilse Bakker in Osdorp.") == (
        "Persoon 1 en Aminata, Persoon 2 in Osdorp."
    )
    assert hide.name("01-ouder-nt2-amina") == "01-ouder-nt2-persoon-1"
    assert hide.text(None) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("naam,pseudoniem\nAmina,P1\n", "needs the column(s) name, pseudonym"),
        ("name,pseudonym\nAmina,P1\nAmina,P2\n", "the name 'Amina' is listed twice"),
        (None, "cannot write the pseudonym mapping"),
    ],
)
def test_bad_mapping_is_a_clear_error(sample_project, tmp_path, content, message):
    mapping = tmp_path / "names.csv"
    if content is None:
        mapping = tmp_path / "no-such-folder" / "names.csv"
    else:
        mapping.write_text(content, encoding="utf-8")
    proc = run(
        "-p", str(sample_project), "report", "-o", str(tmp_path / "r.md"),
        "--pseudonymise", str(mapping), check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert str(mapping) in proc.stderr and message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "r.md").exists()
