"""Participants (cases), THE rule for a segment's attributes, and interviewer turns left out.

Fixture (mini codebook), segments by index:

    groep (domain opvoeding; no group of its own: a focus group)
        0 Moderator: Wat vinden jullie van de brieven?     interviewer (label rule)
        1 Ouder:     De brief is te lang.                  Fenna, ouder
        2 Ouder:     Ik snap de woorden niet.              Fenna, ouder
        3 Juf:       Wij schrijven te moeilijk.            Sara, leerkracht
        4 Moderator: En de app?                            interviewer
        5 Ouder:     De app werkt niet.                    Fenna, ouder
        6 Juf:       Dat klopt.                            Sara, leerkracht
    a (stakeholder_group intermediair, domain werk_en_inkomen)
        0 I: Hoe gaat het?                                 interviewer
        1 R: De brief is moeilijk.                         no participant: the transcript's values
        2 R: Ik vraag hulp.

Codings by ann: language groep 1-2 (one coding, two segments), language groep 3, digital groep 5,
language groep 0 (the question only: left out), digital groep 4-5 (question and answer: counted
on the answer), language a 1, help a 2.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import MINI, run, write
from test_postgres import pg_server, pg_url  # noqa: F401 (fixtures: PostgreSQL as in make test)

from codebook import Project
from codebook.analysis import frames as _frames
from codebook.model import CodebookError, is_interviewer

GROUP = (
    "---\ndomain: opvoeding\n---\n"
    "Moderator: Wat vinden jullie van de brieven?\n"
    "Ouder: De brief is te lang. Ik snap de woorden niet.\n"
    "Juf: Wij schrijven te moeilijk.\n"
    "Moderator: En de app?\n"
    "Ouder: De app werkt niet.\n"
    "Juf: Dat klopt.\n"
)
SINGLE = (
    "---\nstakeholder_group: intermediair\ndomain: werk_en_inkomen\n---\n"
    "I: Hoe gaat het?\nR: De brief is moeilijk. Ik vraag hulp.\n"
)
PEOPLE = (
    "transcript,speaker,participant,stakeholder_group,level,interviewer\n"
    "groep,Ouder,Fenna,ouder,individu,\n"
    "groep,Juf,Sara,leerkracht,micro,\n"
    "groep,Moderator,,,,\n"
)
CODINGS = [  # (transcript, first segment, last segment, code)
    ("groep", 1, 2, "barrier.language"),
    ("groep", 3, 3, "barrier.language"),
    ("groep", 5, 5, "barrier.digital"),
    ("groep", 0, 0, "barrier.language"),
    ("groep", 4, 5, "barrier.digital"),
    ("a", 1, 1, "barrier.language"),
    ("a", 2, 2, "help"),
]


def build(root, env: dict | None = None):
    project = Project.init(root / "proj", MINI)
    project.import_files([write(root / "groep.txt", GROUP), write(root / "a.txt", SINGLE)])
    for name, first, last, code in CODINGS:
        t = project.transcript(name)
        segs = project.store.segments(t.id)
        project.add_coding(t, segs[first].start, segs[last].end, code, "ann")
    project.close()
    people = str(write(root / "p.csv", PEOPLE))
    run("-p", str(root / "proj"), "participants", "import", people, env=env)
    return root / "proj"


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    return build(tmp_path_factory.mktemp("participants"))


def stats(root, *args) -> tuple[dict, str]:
    proc = run("-p", str(root), "stats", *args, "--format", "json")
    rows = json.loads(proc.stdout)
    by = [k for k in rows[0] if k not in ("code", "label", "segments")][0] if rows else None
    return {(r["code"], r[by]): r["segments"] for r in rows}, proc.stderr


# -- the rule ---------------------------------------------------------------------------------
def test_the_interviewer_rule_lives_in_the_model():
    for label in ("I", "interviewer", " Interviewster ", "MODERATOR", "Gespreksleider", "Q"):
        assert is_interviewer(label), label
    assert not is_interviewer("R") and not is_interviewer(None) and not is_interviewer("Ina")
    assert is_interviewer("Ina", True) and not is_interviewer("I", False)


def test_frames_resolve_attributes_per_segment(proj):
    with Project.open(proj) as p:
        every = p.frames(include_interviewer=True)["segments"]
        said = p.frames()
    g = every[every["transcript"] == "groep"].set_index("index")
    assert g.loc[1, "participant"] == "Fenna" and g.loc[3, "participant"] == "Sara"
    assert list(g["stakeholder_group"].fillna("-")) == ["-", "ouder", "ouder", "leerkracht", "-",
                                                        "ouder", "leerkracht"]  # fmt: skip
    assert set(g["domain"]) == {"opvoeding"}  # the transcript's value, for every speaker
    assert g.loc[3, "level"] == "micro" and pd.isna(g.loc[0, "level"])
    assert list(g["interviewer"]) == [True, False, False, False, True, False, False]
    a = every[every["transcript"] == "a"].set_index("index")
    assert a["participant"].isna().all() and set(a["stakeholder_group"]) == {"intermediair"}
    # left out by default: 3 questions; the coding on a question only goes with them
    assert len(said["segments"]) == 7 and not said["segments"]["interviewer"].any()
    assert len(said["codings"]) == 6 and len(said["coded"]) == 7
    left = said["left_out"].set_index(["transcript", "speaker"])
    assert left.loc[("groep", "Moderator"), "segments"] == 2
    assert left.loc[("groep", "Moderator"), "codings"] == 1
    assert left.loc[("a", "I"), "segments"] == 1
    assert _frames.left_out_note(said).startswith("3 interviewer segment(s) and 1 coding(s)")
    # the coded frame inherits the resolved columns
    digital = said["coded"][said["coded"]["code"] == "barrier.digital"]
    assert set(digital["index"]) == {5} and set(digital["stakeholder_group"]) == {"ouder"}


def test_object_built_frames_agree_with_the_bulk_frames(proj):
    with Project.open(proj) as p:
        transcripts = p.store.transcripts()
        built = _frames.segments_frame(
            transcripts, p.store.segments(), p.store.speakers(), p.store.participants()
        )
        bulk = p.frames(include_interviewer=True)["segments"]
    built["timestamp"] = built["timestamp"].astype(float)
    key = ["transcript", "index"]
    left = bulk.sort_values(key).reset_index(drop=True)
    right = built.sort_values(key).reset_index(drop=True)[left.columns]
    pd.testing.assert_frame_equal(left, right, check_dtype=False)


# -- counting ---------------------------------------------------------------------------------
def test_stats_by_a_participant_attribute_and_a_transcript_attribute(proj):
    by_group, note = stats(proj, "--by", "stakeholder_group")
    assert by_group == {
        ("barrier.language", "ouder"): 2,
        ("barrier.language", "leerkracht"): 1,
        ("barrier.language", "intermediair"): 1,
        ("barrier.digital", "ouder"): 1,
        ("help", "intermediair"): 1,
    }
    assert "3 interviewer segment(s)" in note and "--include-interviewer" in note
    by_domain, _ = stats(proj, "--by", "domain")
    assert by_domain == {
        ("barrier.language", "opvoeding"): 3,
        ("barrier.language", "werk_en_inkomen"): 1,
        ("barrier.digital", "opvoeding"): 1,
        ("help", "werk_en_inkomen"): 1,
    }
    by_person, _ = stats(proj, "--by", "participant")
    assert by_person[("barrier.language", "Fenna")] == 2
    assert by_person[("barrier.language", "Sara")] == 1


def test_include_interviewer_puts_the_questions_back(proj):
    counts, note = stats(proj, "--by", "stakeholder_group", "--include-interviewer")
    assert counts[("barrier.language", "(none)")] == 1  # the question: no group of its own
    assert counts[("barrier.digital", "(none)")] == 1
    assert counts[("barrier.digital", "ouder")] == 1
    assert "interviewer" not in note
    with Project.open(proj) as p:
        shares = p.stats("stakeholder_group", normalise=True).set_index(
            ["code", "stakeholder_group"]
        )
    assert shares.loc[("barrier.language", "ouder"), "group_segments"] == 3  # Fenna's three


def test_report_counts_by_participant_attribute(proj, tmp_path):
    out = tmp_path / "r.md"
    proc = run("-p", str(proj), "report", "-o", str(out), "--lang", "en")
    assert "3 interviewer segment(s) left out" in proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "**Grouped by:** Stakeholder group" in text  # the codebook's first attribute
    assert "**Interviewer segments left out:** 3" in text
    summary = text[text.index("| Code |") :].split("\n\n")[0]
    language = next(line for line in summary.splitlines() if "(barrier.language)" in line)
    assert [c.strip() for c in language.strip("|").split("|")][1:] == ["2", "1", "1", "4"]
    both = tmp_path / "all.md"
    run("-p", str(proj), "report", "-o", str(both), "--lang", "en", "--include-interviewer")
    assert "Interviewer segments left out" not in both.read_text(encoding="utf-8")


def test_export_rows_carry_participant_and_resolved_attributes(proj, tmp_path):
    out = tmp_path / "coded.csv"
    proc = run("-p", str(proj), "export", "-o", str(out))
    assert proc.stdout.startswith("6 coded segment(s)") and "3 interviewer" in proc.stderr
    table = pd.read_csv(out, keep_default_na=False)
    sara = table[table["participant"] == "Sara"].iloc[0]
    assert (sara["stakeholder_group"], sara["level"], sara["domain"]) == (
        "leerkracht", "micro", "opvoeding"
    )  # fmt: skip
    assert set(table.loc[table["transcript"] == "a", "participant"]) == {""}
    everything = tmp_path / "all.csv"
    run("-p", str(proj), "export", "-o", str(everything), "--include-interviewer")
    assert len(pd.read_csv(everything)) == 7


def test_overview_lists_participant_values_and_counts_respondent_segments(proj):
    with Project.open(proj) as p:
        view = p.overview("ann").set_index("transcript")
        assert p.top_coder() == "ann" and p.default_grouping() == "stakeholder_group"
    assert list(view.columns[:4]) == ["stakeholder_group", "domain", "level",
                                      "language_background"]  # fmt: skip
    assert view.loc["groep", "stakeholder_group"] == "ouder, leerkracht"
    assert view.loc["a", "stakeholder_group"] == "intermediair"
    assert view.loc["groep", "segments"] == 5 and view.loc["groep", "coded_pct"] == 80


def test_agreement_leaves_interviewer_turns_out(tmp_path):
    root = build(tmp_path)
    with Project.open(root) as p:
        for name, first, last, code in CODINGS[:4]:  # bob agrees on groep, and the question
            t = p.transcript(name)
            segs = p.store.segments(t.id)
            p.add_coding(t, segs[first].start, segs[last].end, code, "bob")
        default = p.agreement(["ann", "bob"])
        every = p.agreement(["ann", "bob"], include_interviewer=True)
        chars = p.agreement(["ann", "bob"], unit="character")
    assert default.interviewer_segments == 2 and every.interviewer_segments == 0
    assert default.per_code.set_index("code").loc["barrier.language", "units"] == 5
    assert every.per_code.set_index("code").loc["barrier.language", "units"] == 7
    assert "2 interviewer segment(s) left out" in default.render()
    assert default.to_dict()["interviewer_segments_left_out"] == 2
    assert chars.interviewer_segments == 2
    proc = run("-p", str(root), "agreement", "--include-interviewer")
    assert "interviewer segment(s) left out" not in proc.stdout


# -- the participants CSV -----------------------------------------------------------------------
def test_list_and_export_round_trip(proj, tmp_path):
    listed = json.loads(run("-p", str(proj), "participants", "list", "-f", "json").stdout)
    assert [(r["participant"], r["stakeholder_group"], r["segments"]) for r in listed] == [
        ("Fenna", "ouder", 3),
        ("Sara", "leerkracht", 2),
    ]
    speakers = json.loads(
        run("-p", str(proj), "participants", "list", "--speakers", "-f", "json").stdout
    )
    flags = {(r["transcript"], r["speaker"]): r["interviewer"] for r in speakers}
    assert flags == {("a", "I"): "yes", ("a", "R"): "no", ("groep", "Juf"): "no",
                     ("groep", "Moderator"): "yes", ("groep", "Ouder"): "no"}  # fmt: skip
    out = tmp_path / "people.csv"
    run("-p", str(proj), "participants", "export", "-o", str(out))
    exported = pd.read_csv(out, keep_default_na=False)
    assert list(exported.columns) == [
        "transcript", "speaker", "participant", "stakeholder_group", "domain", "level",
        "language_background", "interviewer",
    ]  # fmt: skip
    assert len(exported) == 5  # every speaker, assigned or not: a template to fill in
    proc = run("-p", str(proj), "participants", "import", str(out))
    assert "0 participant(s) created, 2 updated" in proc.stdout
    again = json.loads(run("-p", str(proj), "participants", "list", "-f", "json").stdout)
    assert again == listed


def test_flags_override_the_label_rule_and_formula_names_stay_text(tmp_path):
    root = build(tmp_path)
    people = write(
        tmp_path / "flags.csv",
        "transcript,speaker,participant,stakeholder_group,interviewer\n"
        "groep,Moderator,Mod,intermediair,no\n"  # a moderator who is counted after all
        "a,R,-Rita,,ja\n",  # the respondent marked as interviewer; a name like a formula
    )
    run("-p", str(root), "participants", "import", str(people))
    counts, note = stats(root, "--by", "stakeholder_group")
    assert counts[("barrier.language", "intermediair")] == 1  # the question, now Mod's
    assert ("help", "intermediair") not in counts  # Rita's turn is left out now
    assert "3 interviewer segment(s) and 2 coding(s)" in note  # a's I and R, not Mod
    with Project.open(root) as p:  # suggestions and bulk reads follow the same flags
        names = {t.id: t.name for t in p.transcripts()}
        every = {(g.transcript_id, g.start, g.end): g.speaker for g in p.store.segments()}
        asked = p._interviewer_segments()
        answers = set(p.store.respondent_offsets())
        assert asked | answers == set(every) and not asked & answers
        assert {(names[k[0]], every[k]) for k in asked} == {("a", "I"), ("a", "R")}
        rita = next(k for k in asked if every[k] == "R")
        assert p.suggest(p.transcript("a"), rita[1], rita[2]) == []
    out = tmp_path / "out.csv"
    run("-p", str(root), "participants", "export", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert "'-Rita" in text and "\n-Rita" not in text and ",-Rita" not in text
    listed = run("-p", str(root), "participants", "list", "-f", "csv").stdout
    assert "'-Rita" in listed
    run("-p", str(root), "participants", "import", str(out))  # the apostrophe comes off again
    with Project.open(root) as p:
        assert {x.name for x in p.participants()} == {"Fenna", "Sara", "Mod", "-Rita"}


BAD = {  # line 2 of each file is good: nothing of it may be written either
    "unknown transcript": ("groepje,Ouder,Fenna,ouder\n", ":3: unknown transcript 'groepje'"),
    "unknown speaker": ("groep,Vader,Piet,ouder\n", ":3: transcript 'groep' has no speaker"),
    "bad value": ("groep,Ouder,Fenna,grootouder\n", ":3: stakeholder_group='grootouder'"),
    "bad name": ("groep,Ouder,<b>Fenna</b>,ouder\n", ":3: participant name '<b>Fenna</b>'"),
    "speaker twice": ("groep,Ouder,Fenna,ouder\ngroep,Ouder,Fenna,\n", ":4: speaker 'Ouder'"),
    "conflict": ("groep,Ouder,Fenna,ouder\ngroep,Juf,Fenna,leerkracht\n", ":4: Fenna has"),
    "half a key": ("groep,,Fenna,ouder\n", ":3: give both a transcript and a speaker"),
    "no participant": ("groep,Ouder,,ouder\n", ":3: attribute values need a participant"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_participant_files_are_refused_and_nothing_is_written(tmp_path, case):
    root = build(tmp_path)
    before = run("-p", str(root), "participants", "list", "--speakers", "-f", "csv").stdout
    body, message = BAD[case]
    bad = write(tmp_path / "bad.csv", "transcript,speaker,participant,stakeholder_group\n"
                "a,R,Rosa,intermediair\n" + body)  # fmt: skip
    proc = run("-p", str(root), "participants", "import", str(bad), check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"{bad}{message}" in proc.stderr, proc.stderr
    assert "No participants were imported" in proc.stderr
    after = run("-p", str(root), "participants", "list", "--speakers", "-f", "csv").stdout
    assert after == before


@pytest.mark.parametrize(
    "header, message",
    [
        ("transcript,speaker,participant,colour\n", ":1: unknown column(s) 'colour'"),
        ("transcript,participant\n", ":1: missing column(s) speaker"),
        ("transcript,speaker,participant,interviewer\n", ":2: interviewer 'perhaps'"),
    ],
)
def test_bad_columns_and_flags_are_refused(tmp_path, header, message):
    root = build(tmp_path)
    bad = write(tmp_path / "bad.csv", header + "groep,Ouder,Fenna,perhaps\n")
    proc = run("-p", str(root), "participants", "import", str(bad), check=False)
    assert proc.returncode == 1 and f"{bad}{message}" in proc.stderr, proc.stderr
    with Project.open(root) as p:
        assert [x.name for x in p.participants()] == ["Fenna", "Sara"]


# -- the facade ---------------------------------------------------------------------------------
def test_assign_speaker_is_one_undoable_change(tmp_path):
    root = build(tmp_path)
    with Project.open(root) as p:
        t = p.transcript("a")
        change = p.assign_speaker(t, "R", "Rosa", attributes={"level": "micro"})
        info = p.speaker_info(t, "R")
        assert info["participant"] == "Rosa" and not info["interviewer"]
        assert info["attributes"] == {"stakeholder_group": "intermediair",
                                      "domain": "werk_en_inkomen", "level": "micro"}  # fmt: skip
        assert p.frames()["segments"].query("transcript == 'a'")["level"].tolist() == ["micro"] * 2
        p.undo_speaker(change)
        assert "Rosa" not in {x.name for x in p.participants()}
        assert p.speaker_info(t, "R")["participant"] is None
        asked = p.assign_speaker(t, "R", interviewer=True)
        assert p.speaker_info(t, "R")["interviewer"] and p.interviewer_segments() == 5
        p.undo_speaker(asked)
        assert p.interviewer_segments() == 3
        with pytest.raises(CodebookError, match="no speaker 'X'"):
            p.assign_speaker(t, "X", "Rosa")
        with pytest.raises(CodebookError, match="level='top'"):
            p.assign_speaker(t, "R", "Rosa", attributes={"level": "top"})


def test_speaker_assignments_survive_a_corrected_transcript(tmp_path):
    root = build(tmp_path)
    fixed = GROUP.replace("Wij schrijven te moeilijk.", "Wij schrijven echt te moeilijk.")
    run("-p", str(root), "import", str(write(tmp_path / "groep.txt", fixed)), "--reanchor")
    with Project.open(root) as p:
        segs = p.frames()["segments"]
    assert segs.loc[segs["speaker"] == "Juf", "participant"].tolist() == ["Sara", "Sara"]


def test_participants_behave_alike_on_postgresql(tmp_path, monkeypatch, request):
    """The same fixture on SQLite and PostgreSQL: the same counts, lists and left-out note."""
    url = request.getfixturevalue("pg_url")
    results = []
    for name, db in (("lite", None), ("pg", url)):
        if db:
            monkeypatch.setenv("CODEBOOK_DB", db)
        env = {"CODEBOOK_DB": db} if db else {}
        root = build(tmp_path / name, env)
        listed = run("-p", str(root), "participants", "list", "--speakers", "-f", "json", env=env)
        counts = run("-p", str(root), "stats", "--by", "stakeholder_group", "-f", "json", env=env)
        results.append((json.loads(listed.stdout), json.loads(counts.stdout), counts.stderr))
    assert results[0] == results[1]
    assert "3 interviewer segment(s)" in results[1][2]
