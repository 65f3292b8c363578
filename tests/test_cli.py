"""The CLI as a user runs it: a subprocess, exit codes, one clear line on errors."""

import csv
import json

from conftest import MINI, run, write

TEXT = (
    "---\nstakeholder_group: ouder\ndomain: opvoeding\n---\n"
    "I: Hoe gaat het met de brieven?\nR: Slecht. Ik kan ze niet lezen. Mijn buurvrouw helpt.\n"
)


def make_project(tmp_path):
    root = tmp_path / "proj"
    run("init", str(root), "--codebook", str(MINI))
    write(tmp_path / "a.txt", TEXT)
    write(tmp_path / "b.txt", TEXT.replace("ouder", "leerkracht").replace("brieven", "ouders"))
    run("-p", str(root), "import", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    return root


def test_init_import_info(tmp_path):
    root = make_project(tmp_path)
    out = run("-p", str(root), "info").stdout
    assert "transcripts 2" in out and "mini-codebook.yaml" in out
    again = run("-p", str(root), "import", str(tmp_path / "a.txt"))
    assert "unchanged: a" in again.stdout


def test_project_from_environment_and_cwd(tmp_path):
    root = make_project(tmp_path)
    assert "transcripts 2" in run("info", cwd=root).stdout
    assert "transcripts 2" in run("info", env={"CODEBOOK_PROJECT": str(root)}).stdout


def test_user_errors_exit_1_without_traceback(tmp_path):
    root = make_project(tmp_path)
    cases = [
        ("-p", str(tmp_path / "nowhere"), "info"),
        ("-p", str(root), "import", str(tmp_path / "missing.txt")),
        (
            "-p",
            str(root),
            "import",
            "--attr",
            "stakeholder_group=astronaut",
            str(tmp_path / "a.txt"),
        ),
        ("-p", str(root), "import", "--attr", "novalue", str(tmp_path / "a.txt")),
        ("-p", str(root), "stats", "--by", "colour"),
    ]
    for args in cases:
        proc = run(*args, check=False)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr and proc.stderr.strip(), args
    proc = run(
        "-p",
        str(root),
        "import",
        "--attr",
        "stakeholder_group=astronaut",
        str(tmp_path / "a.txt"),
        check=False,
    )
    assert "stakeholder_group='astronaut' is not allowed" in proc.stderr


def test_changed_reimport_is_refused_with_count(tmp_path):
    root = make_project(tmp_path)
    write(tmp_path / "c.csv", "transcript,start,end,code,coder\na,3,30,barrier.language,ann\n")
    run("-p", str(root), "codings", "import", str(tmp_path / "c.csv"))
    write(tmp_path / "a.txt", TEXT.replace("Slecht", "Heel slecht"))
    proc = run("-p", str(root), "import", str(tmp_path / "a.txt"), check=False)
    assert proc.returncode == 1
    assert "would affect 1 coding(s)" in proc.stderr


def test_codings_csv_errors_are_reported_by_row_and_nothing_is_written(tmp_path):
    root = make_project(tmp_path)
    write(
        tmp_path / "bad.csv",
        "transcript,start,end,code,coder,memo\n"
        "a,3,30,barrier.language,ann,fine\n"
        "a,3,30,unknown.code,ann,\n"
        "a,40,9999,help,ann,\n"
        "a,30,30,help,ann,\n"
        "zzz,1,2,help,ann,\n"
        "a,x,2,help,ann,\n",
    )
    proc = run("-p", str(root), "codings", "import", str(tmp_path / "bad.csv"), check=False)
    assert proc.returncode == 1
    err = proc.stderr
    assert "row 3: unknown code 'unknown.code'" in err
    assert "row 4: span [40, 9999) is outside the text" in err
    assert "row 5: span [30, 30)" in err
    assert "row 6: unknown transcript 'zzz'" in err
    assert "row 7: start and end must be integers" in err
    assert "No codings were imported" in err
    run("-p", str(root), "codings", "export", "-o", str(tmp_path / "out.csv"))
    assert len(list(csv.DictReader((tmp_path / "out.csv").open()))) == 0


def test_codings_round_trip_and_stats_formats(tmp_path):
    root = make_project(tmp_path)
    body = TEXT.split("---\n")[2]
    lezen = body.index("Ik kan ze niet lezen.")
    helpt = body.index("Mijn buurvrouw helpt.")
    a = (lezen, lezen + 21)
    h = (helpt, helpt + 21)
    write(
        tmp_path / "c.csv",
        "transcript,start,end,code,coder,memo\n"
        f"a,{a[0]},{a[1]},barrier.language,ann,kan niet lezen\n"
        f"a,{h[0]},{h[1]},help,ann,\n"
        f"b,{a[0]},{a[1]},barrier.language,bob,\n",
    )
    assert (
        "3 coding(s) added"
        in run("-p", str(root), "codings", "import", str(tmp_path / "c.csv")).stdout
    )
    assert (
        "0 coding(s) added"
        in run("-p", str(root), "codings", "import", str(tmp_path / "c.csv")).stdout
    )
    run("-p", str(root), "codings", "export", "-o", str(tmp_path / "out.csv"))
    rows = list(csv.DictReader((tmp_path / "out.csv").open()))
    got = [
        (r["transcript"], int(r["start"]), int(r["end"]), r["code"], r["coder"], r["memo"])
        for r in rows
    ]
    assert got == [
        ("a", *a, "barrier.language", "ann", "kan niet lezen"),
        ("a", *h, "help", "ann", ""),
        ("b", *a, "barrier.language", "bob", ""),
    ]
    data = json.loads(
        run("-p", str(root), "stats", "--by", "stakeholder_group", "--format", "json").stdout
    )
    assert {(d["code"], d["stakeholder_group"], d["segments"]) for d in data} == {
        ("barrier.language", "ouder", 1),
        ("barrier.language", "leerkracht", 1),
        ("help", "ouder", 1),
    }
    table = run("-p", str(root), "stats").stdout
    assert "barrier.language" in table and "Taal" in table
    csv_out = run("-p", str(root), "stats", "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "code,label,segments"
    assert csv_out[1] == "barrier.language,Taal,2"
