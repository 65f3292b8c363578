"""Code queries: the language (AND, OR, NOT, parentheses, NEAR/k), its errors, and results that
agree with the frames, on the sample and on a second, differently shaped project."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import run

from codebook import Project
from codebook.analysis import query as q
from codebook.model import CodebookError, QueryError, segment_number


@pytest.fixture(scope="module", params=["sample_project", "focus_project"])
def opened(request):
    """(project, frames with the interviewer left out) of both projects, opened once."""
    project = Project.open(request.getfixturevalue(request.param))
    yield project, project.frames()
    project.close()


def frequent_codes(frames, n=3) -> list[str]:
    return frames["coded"]["code"].value_counts().index[:n].tolist()


def oracle(frames, codebook, code, coder=None) -> set[int]:
    """Segment ids coded with `code` or a code below it, straight from the coded frame."""
    coded = frames["coded"]
    if coder:
        coded = coded[coded["coder"] == coder]
    below = coded["ancestors"].map(lambda chain: code in chain)
    return set(coded.loc[(coded["code"] == code) | below, "segment_id"])


def ids(project, expr, coder=None) -> set[int]:
    return set(project.query(expr, coder)["segment_id"])


def test_and_or_not_agree_with_the_frames(opened):
    project, frames = opened
    a, b, c = frequent_codes(frames)
    book = project.codebook
    A, B, C = (oracle(frames, book, x) for x in (a, b, c))
    every = set(frames["segments"]["segment_id"])
    assert ids(project, a) == A and A
    assert ids(project, f"{a} AND {b}") == A & B
    assert ids(project, f"{a} AND NOT {b}") == A - B
    assert ids(project, f"{a} OR {b}") == A | B
    assert ids(project, f"NOT {a}") == every - A
    assert ids(project, f"({a} OR {b}) AND NOT {c}") == (A | B) - C
    assert ids(project, f"{a} or {b} and {c}") == A | (B & C)  # AND binds tighter than OR
    assert ids(project, f"not not {a}") == A


def test_a_grouping_code_means_its_whole_branch(opened):
    project, frames = opened
    book = project.codebook
    group = next(c.id for c in book.codes.values() if not c.codable and book.children(c.id))
    below = {x.id for x in book.walk(group)}
    coded = frames["coded"]
    expected = set(coded.loc[coded["code"].isin(below), "segment_id"])
    assert ids(project, group) == expected and expected


def near_oracle(frames, a: set[int], b: set[int], k: int) -> set[int]:
    seg = frames["segments"]
    places = zip(seg["transcript"], seg["index"], strict=True)
    where = dict(zip(seg["segment_id"], places, strict=True))

    def close(x, others):
        t, i = where[x]
        return any(where[y][0] == t and abs(where[y][1] - i) <= k for y in others)

    return {x for x in a if close(x, b)} | {y for y in b if close(y, a)}


@pytest.mark.parametrize("k", [0, 1, 3])
def test_near_agrees_with_a_brute_force_count(opened, k):
    project, frames = opened
    a, b, _ = frequent_codes(frames)
    book = project.codebook
    A, B = oracle(frames, book, a), oracle(frames, book, b)
    expected = near_oracle(frames, A, B, k)
    assert ids(project, f"{a} NEAR/{k} {b}") == expected
    if k == 0:
        assert expected == A & B
    if k == 1:
        assert ids(project, f"{a} near {b}") == expected


def test_near_never_crosses_transcripts(opened):
    project, frames = opened
    seg = frames["segments"]
    # the last segment of one transcript and the first of the next are neighbours in the frame
    names = seg["transcript"].drop_duplicates().tolist()[:2]
    if len(names) < 2:
        pytest.skip("one transcript")
    last = seg[seg["transcript"] == names[0]].iloc[-1:]
    first = seg[seg["transcript"] == names[1]].iloc[:1]
    pair = seg.loc[list(last.index) + list(first.index)]
    a = pair["segment_id"].to_numpy() == last["segment_id"].iloc[0]
    position = q._positions(pair, 5)
    assert not q._near(a, ~a, position, 5).any()


def test_coder_restricts_the_codings(opened):
    project, frames = opened
    coders = frames["coded"]["coder"].value_counts().index.tolist()
    a = frequent_codes(frames, 1)[0]
    for coder in coders:
        assert ids(project, a, coder) == oracle(frames, project.codebook, a, coder)
    with pytest.raises(CodebookError, match="no coder named"):
        project.query(a, "nobody-at-all")


def test_hits_have_numbers_text_codes_and_attributes(opened):
    project, frames = opened
    a, b, _ = frequent_codes(frames)
    hits = project.query(f"{a} OR {b}")
    assert list(hits.columns[:3]) == ["transcript", "segment", "speaker"]
    assert {"text", "codes", "start", "end", "segment_id"} <= set(hits.columns)
    assert set(project.codebook.attributes) & set(hits.columns)
    seg = frames["segments"].set_index("segment_id")
    for row in hits.head(20).itertuples(index=False):
        assert row.segment == segment_number(seg.at[row.segment_id, "index"])
        assert row.text == seg.at[row.segment_id, "text"]
        assert a in row.codes.split(", ") or b in row.codes.split(", ")


def test_by_counts_hits_per_group(opened):
    project, frames = opened
    by = next(iter(project.codebook.attributes))
    a = frequent_codes(frames, 1)[0]
    table = project.query(a, by=by)
    hits = project.query(a)
    assert table["segments"].sum() == len(hits)
    seg = frames["segments"]
    for row in table.itertuples(index=False):
        group = (
            seg[seg[by] == getattr(row, by)]
            if getattr(row, by) != q.MISSING
            else seg[seg[by].isna()]
        )
        assert row.group_segments == len(group)
        assert row.share_segments == pytest.approx(row.segments / len(group), abs=1e-4)


@pytest.mark.parametrize(
    "expr, where, problem",
    [
        ("", lambda t: 0, "empty"),
        ("{a} AND", len, "ends here"),
        ("({a}", len, "missing ')'"),
        ("{a})", lambda t: t.index(")"), "without a matching"),
        ("{a} {a}", lambda t: t.rindex(" ") + 1, "expected AND, OR or NEAR"),
        ("AND {a}", lambda t: 0, "expected a code id"),
        ("()", lambda t: 1, "empty parentheses"),
        ("{a} NEAR/x {a}", lambda t: t.index("/") + 1, "NEAR needs a number"),
        ("{a} AND nosuchcode", lambda t: t.index("nosuch"), "unknown code 'nosuchcode'"),
    ],
)
def test_malformed_queries_point_at_the_problem(opened, expr, where, problem):
    project, frames = opened
    text = expr.format(a=frequent_codes(frames, 1)[0])
    with pytest.raises(QueryError) as err:
        q.parse(text, project.codebook)
    assert problem in str(err.value)
    assert err.value.position == where(text)
    caret = str(err.value).splitlines()[-1]
    assert caret.index("^") - 2 == where(text)


def test_an_unknown_code_gets_a_hint(opened):
    project, frames = opened
    code = frequent_codes(frames, 1)[0]
    with pytest.raises(QueryError, match="did you mean"):
        q.parse(code[:-1] + "q", project.codebook)


def test_query_command(sample_project):
    with Project.open(sample_project) as project:
        a, b, _ = frequent_codes(project.frames())
        expected = project.query(f"{a} AND NOT {b}")
    out = run("-p", str(sample_project), "query", f"{a} AND NOT {b}", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [int(r["segment_id"]) for r in rows] == expected["segment_id"].tolist()
    assert {"transcript", "segment", "speaker", "text", "codes"} <= set(rows[0])
    assert "match" in out.stderr and "interviewer" in out.stderr
    table = run("-p", str(sample_project), "query", f"{a} AND NOT {b}", env={"COLUMNS": "120"})
    assert table.stdout.splitlines()[0].split()[:2] == ["transcript", "segment"]
    data = json.loads(run("-p", str(sample_project), "query", a, "-f", "json").stdout)
    assert data and all(a in r["codes"] for r in data)
    by = run("-p", str(sample_project), "query", a, "--by", "stakeholder_group", "-f", "json")
    assert sum(r["segments"] for r in json.loads(by.stdout)) == len(data)


@pytest.mark.parametrize(
    "args, message",
    [
        (["x AND"], "unknown code 'x'"),
        (["(dsg"], "missing ')'"),
        (["dsg", "--by", "nonsense"], "cannot group by 'nonsense'"),
        (["dsg", "--coder", "nobody"], "no coder named 'nobody'"),
    ],
)
def test_query_command_refuses_bad_input(sample_project, args, message):
    out = run("-p", str(sample_project), "query", *args, check=False)
    assert out.returncode == 1
    assert message in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
