"""Framework summaries and the framework matrix: CSV in and out, drafts, rows by attribute and by
participant, the file formats, undo, and bad files refused with nothing changed; on the sample
and on a small English project with another codebook."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from conftest import DATA, run, write
from openpyxl import load_workbook

from codebook import Project
from codebook.analysis.matrix import build_matrix

AMINA = "01-ouder-nt2-amina"
LANG = "cog.basic.language"


@pytest.fixture(scope="module")
def sample(sample_project, tmp_path_factory):
    """A copy of the sample that this module's tests write summaries into."""
    root = tmp_path_factory.mktemp("matrix") / "project"
    shutil.copytree(sample_project, root)
    return root


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    """Another shape: an English codebook (one attribute, other code ids and coder names)."""
    root = tmp_path_factory.mktemp("english") / "project"
    run("init", str(root), "--codebook", str(DATA / "english-codebook.yaml"))
    run("-p", str(root), "import", str(DATA / "english-interview-parent.txt"),
        str(DATA / "english-interview-advisor.txt"))  # fmt: skip
    spans = {
        "hard to read": "skills.reading",
        "cannot read the official letters": "skills.reading",
        "difficult words": "skills.reading",
        "paper form is hard": "skills.reading",
        "My daughter helps me": "support.network",
        "a son or a sister translates": "support.network",
    }
    with Project.open(root) as project:
        for t in project.transcripts():
            for text, code in spans.items():
                if text in t.text:
                    start = t.text.index(text)
                    project.add_coding(t, start, start + len(text), code, "ann")
    return root


def coded_segments(project: Project, transcript: str, code: str) -> pd.DataFrame:
    coded = project.frames()["coded"]
    mine = coded[(coded["transcript"] == transcript) & (coded["code"] == code)]
    return mine.drop_duplicates("segment_id")


# -- CSV in and out -------------------------------------------------------------------------


def test_summaries_csv_in_and_out(sample, tmp_path):
    file = write(
        tmp_path / "in.csv",
        "row,code,summary,coder\n"
        f'{AMINA},{LANG},"Spreekt goed, leest moeizaam.\nLange brieven: te moeilijk.",coder_a\n'
        f"{AMINA},sit.network,=Zoon en buurvrouw helpen,\n"
        "Sandra,sit.network,Haar moeder helpt met brieven.,coder_b\n",
    )
    proc = run("-p", str(sample), "summaries", "import", str(file), "--coder", "lead")
    assert "3 summary(ies) added, 0 updated, 0 unchanged" in proc.stdout
    listed = run("-p", str(sample), "summaries", "list", "--format", "csv").stdout
    assert "lead" in listed and "participant,Sandra" in listed  # a participant's name
    out = tmp_path / "out.csv"
    run("-p", str(sample), "summaries", "export", "-o", str(out))
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(table.columns[:5]) == ["row", "code", "summary", "coder", "kind"]
    one = table[(table["row"] == AMINA) & (table["code"] == "sit.network")].iloc[0]
    assert one["summary"] == "'=Zoon en buurvrouw helpen"  # formula-safe in a spreadsheet
    assert one["coder"] == "lead" and one["kind"] == "transcript"
    assert "\n" in table[table["code"] == LANG].iloc[0]["summary"]
    again = run("-p", str(sample), "summaries", "import", str(out))
    assert "0 summary(ies) added, 0 updated, 3 unchanged" in again.stdout  # a true round trip
    with Project.open(sample) as project:
        assert project.summary_of(AMINA, "sit.network", "lead").text == "=Zoon en buurvrouw helpen"
        assert project.summary_of("Sandra", "sit.network", "coder_b", "participant") is not None


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("no-such-transcript,dsg,tekst,a\n", "row 3: unknown transcript or participant"),
        (f"{AMINA},no.such.code,tekst,a\n", "row 3: unknown code 'no.such.code'"),
        (f"{AMINA},dsg,tekst,<b>x</b>\n", "row 3: coder name '<b>x</b>' is not allowed"),
        (f"{AMINA},dsg,,a\n", "row 3: empty summary"),
        (f"{AMINA},dsg,tekst,a\n", "row 3: the same row, code and coder as row 2"),
        (f"{AMINA},dsg,tekst,a,case\n", "row 3: kind 'case' is not one of"),
    ],
)
def test_a_bad_file_is_refused_with_nothing_changed(project_dir, tmp_path, rows, message):
    header = "row,code,summary,coder" + (",kind" if rows.count(",") == 4 else "") + "\n"
    good = f"{AMINA},dsg,Een goede regel.,a" + ("," if "kind" in header else "") + "\n"
    file = write(tmp_path / "bad.csv", header + good + rows)
    proc = run("-p", str(project_dir), "summaries", "import", str(file), check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert str(file) in proc.stderr and message in proc.stderr
    assert "No summaries were imported." in proc.stderr
    with Project.open(project_dir) as project:
        assert project.summaries().empty  # not even the good row


def test_a_file_without_the_columns_or_not_utf8_is_refused(project_dir, tmp_path):
    for name, content, message in [
        ("cols.csv", "transcript,code,text\nx,y,z\n", "missing column(s) row, summary"),
        ("latin.csv", b"row,code,summary\nx,dsg,caf\xe9\n", "cannot read as UTF-8"),
    ]:
        file = write(tmp_path / name, content)
        proc = run("-p", str(project_dir), "summaries", "import", str(file), check=False)
        assert proc.returncode == 1 and message in proc.stderr and "Traceback" not in proc.stderr
    nobody = write(tmp_path / "nobody.csv", f"row,code,summary\n{AMINA},dsg,x\n")
    proc = run("-p", str(project_dir), "summaries", "import", str(nobody), check=False,
               env={"USER": "", "CODEBOOK_CODER": ""})  # fmt: skip
    assert proc.returncode == 1 and "no coder" in proc.stderr


# -- writes and undo --------------------------------------------------------------------------


def test_each_write_returns_what_undo_needs(project):
    key = ("transcript", AMINA, LANG, "lead")
    assert project.set_summary(AMINA, LANG, "eerste", "lead") is None
    first = project.summary_of(AMINA, LANG, "lead")
    before = project.update_summary(AMINA, LANG, "tweede", "lead")
    assert before.text == "eerste"
    project.restore_summary(key, before)  # undo the update
    back = project.summary_of(AMINA, LANG, "lead")
    assert back.text == "eerste" and back.created_at == first.created_at
    removed = project.remove_summary(AMINA, LANG, "lead")
    assert project.summary_of(AMINA, LANG, "lead") is None
    project.restore_summary(key, removed)  # undo the removal
    assert project.summary_of(AMINA, LANG, "lead").text == "eerste"
    project.restore_summary(key, None)  # undo the first write: the cell is empty again
    assert project.summaries().empty
    with pytest.raises(Exception, match="no transcript named 'nope'"):
        project.set_summary("nope", LANG, "x", "lead")
    with pytest.raises(Exception, match="already has a summary"):
        project.add_summary(AMINA, LANG, "x", "lead")
        project.add_summary(AMINA, LANG, "y", "lead")


# -- drafts -----------------------------------------------------------------------------------


def test_a_cell_without_summary_is_a_marked_draft_of_its_coded_segments(project):
    found = project.framework_matrix(codes=[LANG, "sit.network"])
    cell = found.cell(AMINA, LANG)
    mine = coded_segments(project, AMINA, LANG)
    assert cell["status"] == "draft" and cell["segments"] == len(mine) > 3
    lines = cell["text"].splitlines()
    assert lines[0] == f"[concept] {len(mine)} gecodeerde segment(en)"
    assert 1 <= len(lines) - 1 <= 3
    by_number = {int(i) + 1: (t, s) for i, t, s in mine[["index", "text", "speaker"]].to_numpy()}
    for line in lines[1:]:
        quote, speaker, number = re.fullmatch(r"• “(.+)” \((.+), segment (\d+)\)", line).groups()
        text, said_by = by_number[int(number)]  # the number shown is the segment's number
        assert quote.rstrip(" …") in " ".join(text.split()) and speaker == said_by
    quotes = found.cell_quotes(AMINA, LANG)
    assert len(quotes) == len(mine) and sorted(quotes["digest"][quotes["digest"] > 0]) == [1, 2, 3]
    written = project.framework_matrix(codes=[LANG])  # nothing written yet: all drafts or empty
    assert set(written.cells["status"]) <= {"draft", "empty"}
    empty = found.cells[found.cells["segments"] == 0]
    assert (empty["status"] == "empty").all() and (empty["text"] == "").all()


def test_the_digest_picks_central_sentences_not_the_odd_one_out(english):
    with Project.open(english) as project:
        frames = project.frames()
    seg = frames["segments"]
    on_topic = [
        "The letters from the council are too hard to read for me.",
        "I cannot read the long letters from the council at all.",
        "Reading the council letters takes me a whole evening.",
        "The council letters use words I cannot read.",
    ]
    odd = "My cat likes the garden more than the kitchen these days."
    texts = on_topic + [odd]
    segments = seg.head(len(texts)).assign(text=texts, transcript="t", speaker="R")
    segments["index"] = range(len(texts))
    coded = segments.assign(coding_id=range(len(texts)), code="skills.reading", coder="ann")
    empty = pd.DataFrame(columns=["row_kind", "row", "code", "coder", "text"])
    found = build_matrix(segments, coded, empty, project.codebook, columns=["skills.reading"],
                         lang="en", digest=2)  # fmt: skip
    chosen = found.quotes[found.quotes["digest"] > 0]["text"].tolist()
    assert len(chosen) == 2 and odd not in chosen
    assert found.cell("t", "skills.reading")["text"].startswith("[draft] 5 coded segment(s)")


# -- rows by attribute and by participant ---------------------------------------------------


def test_rows_by_attribute_gather_members_summaries_with_their_case(project):
    project.set_summary(AMINA, LANG, "Leest moeizaam.", "lead")
    project.set_summary("Fatima", LANG, "Leest Arabisch, Nederlands lastig.", "lead", "participant")
    project.set_summary("Sanne", LANG, "Ziet ouders worstelen.", "lead", "participant")
    found = project.framework_matrix(rows="stakeholder_group", codes=[LANG, "sit.network"])
    declared = [v for v in project.codebook.attributes["stakeholder_group"].values
                if v in found.rows]  # fmt: skip
    assert found.rows[: len(declared)] == declared  # in the codebook's order
    parents = found.cell("ouder", LANG)
    assert parents["status"] == "summary"
    assert f"{AMINA}: Leest moeizaam." in parents["text"]
    assert "Fatima: Leest Arabisch" in parents["text"]  # a focus group member by her own group
    assert "Ziet ouders" not in parents["text"]
    assert "Sanne: Ziet ouders worstelen." in found.cell("leerkracht", LANG)["text"]
    draft = found.cell("ouder", "sit.network")  # nobody summarised: a draft over the group
    segments = project.frames()["coded"]
    group = segments[
        (segments["stakeholder_group"] == "ouder") & (segments["code"] == "sit.network")
    ]
    assert draft["status"] == "draft" and draft["segments"] == group["segment_id"].nunique()
    assert re.search(r"in \d+ casus\(sen\)", draft["text"].splitlines()[0])
    assert re.search(r"\(\S+, .+, segment \d+\)$", draft["text"].splitlines()[1])  # with its case


def test_rows_by_participant(project):
    project.set_summary("Sandra", LANG, "Vraagt haar moeder.", "lead", "participant")
    found = project.framework_matrix(rows="participant", level=1)
    assert "Sandra" in found.rows and "Fatima" in found.rows
    assert "[cog.basic.language] Vraagt haar moeder." in found.cell("Sandra", "cog")["text"]
    assert found.cell("Fatima", "cog")["segments"] > 0


def test_coder_and_level_and_bad_options(project):
    project.set_summary(AMINA, LANG, "Van A.", "coder_a")
    project.set_summary(AMINA, LANG, "Van B.", "coder_b")
    both = project.framework_matrix(codes=[LANG]).cell(AMINA, LANG)["text"]
    assert "coder_a: Van A." in both and "coder_b: Van B." in both
    only = project.framework_matrix(codes=[LANG], coder="coder_b").cell(AMINA, LANG)
    assert only["text"] == "Van B."
    roots = project.framework_matrix(level=0)
    assert roots.codes == [c.id for c in project.codebook.roots()]
    for kwargs, message in [
        (dict(rows="shoe_size"), "not a kind of row"),
        (dict(codes=["nope"]), "unknown code(s) nope"),
        (dict(codes=[LANG], level=1), "not both"),
        (dict(level=-1), "0 or more"),
    ]:
        with pytest.raises(Exception, match=re.escape(message)):
            project.framework_matrix(**kwargs)


# -- files ------------------------------------------------------------------------------------


def test_matrix_files(sample, tmp_path):
    with Project.open(sample) as project:
        project.set_summary(AMINA, "sit.network", '=HYPERLINK("http://x")', "lead")
    xlsx = tmp_path / "m.xlsx"
    proc = run("-p", str(sample), "matrix", "-o", str(xlsx), "--codes", f"{LANG},sit.network")
    assert re.search(
        r"\d+ row\(s\) x 2 code\(s\) written to .*m\.xlsx: \d+ summarised", proc.stdout
    )
    book = load_workbook(xlsx)
    sheet, quotes = book.worksheets
    assert sheet["B1"].value == f"{LANG}\nTaalvaardigheid" and sheet.freeze_panes == "B2"
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    cell = sheet.cell(rows[AMINA], 3)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"  # text, no formula
    assert sheet.cell(rows[AMINA], 2).alignment.wrap_text
    assert any(str(sheet.cell(r, 2).value).startswith("[concept]") for r in rows.values())
    assert [c.value for c in quotes[1]][:6] == [
        "Transcript", "code", "label", "transcript", "segment", "speaker"
    ]  # fmt: skip
    csv = tmp_path / "m.csv"
    run("-p", str(sample), "matrix", "-o", str(csv), "--codes", f"{LANG},sit.network")
    grid = pd.read_csv(csv, dtype=str, keep_default_na=False).set_index("Transcript")
    assert list(grid.columns) == [LANG, "sit.network"]
    assert grid.loc[AMINA, "sit.network"] == '\'=HYPERLINK("http://x")'
    md = tmp_path / "m.md"
    run("-p", str(sample), "matrix", "-o", str(md), "--rows", "stakeholder_group", "--level", "1")
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# Raamwerkmatrix: Stakeholdergroep") and "## Codes 1–4 van" in text
    assert "\\[concept\\]" in text and "<br>• “" in text
    docx = tmp_path / "m.docx"
    run("-p", str(sample), "matrix", "-o", str(docx), "--level", "0", "--lang", "en")
    from docx import Document

    word = Document(docx)
    assert word.sections[0].page_width > word.sections[0].page_height  # landscape
    table = word.tables[0]
    assert table.rows[0].cells[0].text == "Transcript"
    assert any(r.cells[1].text.startswith("[draft]") for r in table.rows[1:])
    bad = run("-p", str(sample), "matrix", "-o", str(tmp_path / "m.pdf"), check=False)
    assert bad.returncode == 1 and "unknown matrix format" in bad.stderr
    missing = tmp_path / "nowhere" / "m.xlsx"
    bad = run("-p", str(sample), "matrix", "-o", str(missing), check=False)
    assert bad.returncode == 1 and "does not exist" in bad.stderr and "Traceback" not in bad.stderr


def test_the_xlsx_export_has_the_matrix_sheets(sample, tmp_path):
    out = tmp_path / "coded.xlsx"
    run("-p", str(sample), "export", "-o", str(out))
    names = load_workbook(out, read_only=True).sheetnames
    assert "raamwerkmatrix" in names and "raamwerkmatrix citaten" in names


def test_pseudonymised_matrix(sample, tmp_path):
    with Project.open(sample) as project:
        project.set_summary(
            AMINA, "sit.network", "Amina vraagt Yassin en buurvrouw Hanneke.", "lead"
        )
    mapping = tmp_path / "names.csv"
    out = tmp_path / "p.md"
    proc = run("-p", str(sample), "matrix", "-o", str(out), "--codes", "sit.network",
               "--pseudonymise", str(mapping))  # fmt: skip
    assert "new name(s) added" in proc.stderr
    text = out.read_text(encoding="utf-8")
    for name in ("Amina", "Yassin", "Hanneke", "Sandra"):
        assert not re.search(rf"\b{name}\b", text), name
    assert "01-ouder-nt2-persoon-" in text and "Persoon " in text


# -- the English project ----------------------------------------------------------------------


def test_an_english_project(english, tmp_path):
    summaries = write(
        tmp_path / "s.csv",
        "row,code,summary\nenglish-interview-parent,skills.reading,Long sentences block her.\n",
    )
    run("-p", str(english), "summaries", "import", str(summaries), "--coder", "bo")
    out = tmp_path / "m.csv"
    proc = run("-p", str(english), "matrix", "-o", str(out), "--rows", "stakeholder_group")
    assert "2 row(s) x 4 code(s)" in proc.stdout
    grid = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("Stakeholder group")
    assert grid.loc["parent", "skills.reading"] == (
        "english-interview-parent: Long sentences block her."
    )
    assert grid.loc["advisor", "skills.reading"].startswith("[draft] 2 coded segment(s) in 1 case")
    assert grid.loc["advisor", "support.professional"] == ""
    with Project.open(english) as project:
        wide = project.matrix(codes=["skills.reading", "support.network"])
    assert list(wide.columns) == ["skills.reading", "support.network"]
    assert wide.loc["english-interview-advisor", "support.network"].startswith("[draft] 1 coded")


def test_merging_a_copy_brings_its_summaries(sample_project, tmp_path):
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    shutil.copytree(sample_project, ours)
    shutil.copytree(sample_project, theirs)
    with Project.open(ours) as project:
        project.set_summary(AMINA, LANG, "Onze tekst.", "coder_a")
    with Project.open(theirs) as project:
        project.set_summary(AMINA, LANG, "Hun nieuwere tekst.", "coder_a")  # written later
        project.set_summary(AMINA, "sit.network", "Alleen bij hen.", "coder_b")
    proc = run("-p", str(ours), "merge", str(theirs))
    assert "2 framework summary(ies) added or updated" in proc.stdout
    with Project.open(ours) as project:
        assert project.summary_of(AMINA, LANG, "coder_a").text == "Hun nieuwere tekst."
        assert project.summary_of(AMINA, "sit.network", "coder_b").text == "Alleen bij hen."
    again = run("-p", str(ours), "merge", str(theirs))
    assert "framework summary" not in again.stdout


def test_a_pseudonymised_table_export(sample, tmp_path):
    mapping = tmp_path / "names.csv"
    out = tmp_path / "coded.xlsx"
    proc = run("-p", str(sample), "export", "-o", str(out), "--pseudonymise", str(mapping))
    assert "new name(s) added" in proc.stderr and mapping.exists()
    book = load_workbook(out, read_only=True)
    text = " ".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
    )
    for name in ("Amina", "Yassin", "Hanneke", "Sandra", "Ilse Bakker"):
        assert not re.search(rf"\b{name}\b", text), name
    assert "01-ouder-nt2-persoon-" in text
    refused = run("-p", str(sample), "export", "-o", str(tmp_path / "p.qdpx"),
                  "--pseudonymise", str(mapping), check=False)  # fmt: skip
    assert refused.returncode == 1 and "--pseudonymise is for" in refused.stderr


def test_set_list_and_remove_from_the_command_line(project_dir):
    p = str(project_dir)
    proc = run("-p", p, "summaries", "set", AMINA, LANG, "Kort.", "--coder", "lead")
    assert "added" in proc.stdout
    assert "updated" in run("-p", p, "summaries", "set", AMINA, LANG, "Langer.", "--coder",
                            "lead").stdout  # fmt: skip
    listed = run("-p", p, "summaries", "list", "--format", "json").stdout
    assert '"text": "Langer."' in listed
    run("-p", p, "summaries", "remove", AMINA, LANG, "--coder", "lead")
    again = run("-p", p, "summaries", "remove", AMINA, LANG, "--coder", "lead", check=False)
    assert again.returncode == 1 and "has no summary" in again.stderr
    bad = run("-p", p, "summaries", "set", "nobody", LANG, "x", "--coder", "lead", check=False)
    assert bad.returncode == 1 and "no transcript named 'nobody'" in bad.stderr
    bad = run("-p", p, "matrix", "-o", str(project_dir / "m.csv"), "--rows", "shoe", check=False)
    assert bad.returncode == 1 and "not a kind of row" in bad.stderr
