"""The sample project is what the issue promises: enough, varied, fictional, and coded twice."""

from collections import defaultdict

from conftest import SAMPLES

from codebook import Project


def test_sample_transcripts(sample_project):
    with Project.open(sample_project) as p:
        transcripts = p.transcripts()
        segments = p.frames(include_interviewer=True)["segments"]
        said = p.frames()["segments"]
        assert len(transcripts) >= 10
        assert len({t.format for t in transcripts}) >= 3
        assert {t.attributes["domain"] for t in transcripts} == {"opvoeding", "werk_en_inkomen"}
        assert said["stakeholder_group"].nunique() >= 6
        attributes = ["stakeholder_group", "domain", "level", "language_background"]
        for t in transcripts:
            spoken = segments[segments.transcript == t.name]["text"].str.split().str.len().sum()
            assert 800 <= spoken <= 2500, (t.name, spoken)
            # every respondent segment has every attribute: from the transcript, or (in the
            # focus group) from the participant who speaks
            mine = said[said.transcript == t.name]
            assert mine[attributes].notna().all().all(), t.name
            assert t.language == "nl"


def test_sample_focus_group_has_participants_of_several_groups(sample_project):
    with Project.open(sample_project) as p:
        said = p.frames()["segments"]
    group = said[said["transcript"].str.contains("focusgroep")]
    assert group["participant"].nunique() >= 3
    assert group["stakeholder_group"].nunique() >= 3
    assert not group["interviewer"].any()


def test_sample_files_are_marked_fictional():
    for path in SAMPLES.iterdir():
        if path.suffix in {".txt", ".md"}:
            head = path.read_text(encoding="utf-8")[:400]
            assert "fictional: true" in head and "(fictief)" in head, path.name
        elif path.suffix in {".vtt", ".srt"}:
            assert "ictie" in path.read_text(encoding="utf-8")[:600], path.name  # fictief/fictie


def test_sample_codings(sample_project):
    with Project.open(sample_project) as p:
        codings = p.codings()
        leaves = [c.id for c in p.codebook.leaves()]
    by_coder = defaultdict(list)
    for c in codings:
        by_coder[c.coder].append(c)
    assert set(by_coder) == {"coder_a", "coder_b"}
    assert all(len(v) >= 150 for v in by_coder.values())
    shared = {c.transcript_id for c in by_coder["coder_a"]} & {
        c.transcript_id for c in by_coder["coder_b"]
    }
    assert len(shared) >= 4
    # honest disagreement: the coders do not produce the same codings on shared transcripts
    a = {
        (c.transcript_id, c.start, c.end, c.code)
        for c in by_coder["coder_a"]
        if c.transcript_id in shared
    }
    b = {(c.transcript_id, c.start, c.end, c.code) for c in by_coder["coder_b"]}
    assert a & b and a != b
    # every leaf code has something coded in at least two transcripts
    where = defaultdict(set)
    for c in codings:
        where[c.code].add(c.transcript_id)
    assert {leaf for leaf in leaves if len(where[leaf]) < 2} == set()
