"""`codebook export -o FILE.csv|.xlsx|.parquet`: read back as an analyst would, with pandas."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from conftest import SAMPLES, run

COLUMNS = [
    "transcript", "stakeholder_group", "domain", "level", "language_background", "speaker",
    "participant", "start", "end", "page", "text", "code", "label", "ancestors", "coder", "origin",
    "memo",
]  # fmt: skip


@pytest.fixture(scope="module")
def exported(sample_project, tmp_path_factory):
    out = tmp_path_factory.mktemp("tables")
    paths = {}
    for suffix in ("csv", "xlsx", "parquet"):
        paths[suffix] = out / f"coded.{suffix}"
        proc = run("-p", str(sample_project), "export", "-o", str(paths[suffix]))
        assert proc.stdout.strip() == f"676 coded segment(s) written to {paths[suffix]}"
        assert "279 interviewer segment(s) left out" in proc.stderr
    return paths


def test_csv_and_parquet_hold_every_coding(exported):
    csv = pd.read_csv(exported["csv"], keep_default_na=False)
    parquet = pd.read_parquet(exported["parquet"])
    assert list(csv.columns) == COLUMNS == list(parquet.columns)
    source = pd.read_csv(SAMPLES / "sample-codings.csv", keep_default_na=False)
    key = ["transcript", "start", "end", "code", "coder"]
    assert sorted(map(tuple, csv[key].values.tolist())) == sorted(
        map(tuple, source[key].values.tolist())
    )
    row = csv[(csv["transcript"] == "01-ouder-nt2-amina") & (csv["code"] == "impl.design")].iloc[0]
    assert row["label"] == "Vormgeving en organisatie"
    assert row["ancestors"] == "sys > impl"
    assert row["stakeholder_group"] == "ouder" and row["speaker"] == "R"
    transcript = (SAMPLES / "01-ouder-nt2-amina.txt").read_text(encoding="utf-8")
    assert row["text"].split()[:4] == transcript[transcript.index(row["text"][:30]) :].split()[:4]
    assert parquet["start"].dtype.kind == "i"
    assert parquet["page"].dtype == "Int64"  # a nullable integer: no page in a text transcript
    as_csv = parquet.astype(csv.dtypes).fillna({"page": "", "memo": ""})
    assert csv.equals(as_csv)


def test_xlsx_sheets_read_back(exported, sample_project):
    sheets = pd.read_excel(exported["xlsx"], sheet_name=None)
    assert list(sheets) == [
        "coded segments", "codebook", "frequencies", "frequencies (long)",
        "raamwerkmatrix", "raamwerkmatrix citaten",  # the framework matrix and its quotes
    ]  # fmt: skip
    assert list(sheets["coded segments"].columns) == COLUMNS
    assert len(sheets["coded segments"]) == 676
    book = sheets["codebook"]
    assert book["id"].iloc[0] == "dsg" and len(book) == 33
    assert {"definition", "include", "exclude", "examples", "label_en"} <= set(book.columns)
    freq = sheets["frequencies"].set_index("code")
    assert "ouder" in freq.columns and "total" in freq.columns
    stats = pd.read_csv(
        pd.io.common.StringIO(run("-p", str(sample_project), "stats", "--format", "csv").stdout)
    ).set_index("code")
    for code, total in freq["total"].items():
        assert total == stats.loc[code, "segments"], code
    by_group = pd.read_csv(
        pd.io.common.StringIO(
            run(
                "-p", str(sample_project), "stats", "--by", "stakeholder_group", "--format", "csv"
            ).stdout
        )
    )
    ouder = by_group[by_group["stakeholder_group"] == "ouder"].set_index("code")["segments"]
    for code, n in ouder.items():
        assert freq.loc[code, "ouder"] == n, code


def test_xlsx_is_formatted_for_people(exported):
    wb = openpyxl.load_workbook(exported["xlsx"])
    for ws in wb.worksheets:
        frozen = "B2" if ws.title == "raamwerkmatrix" else "A2"  # the matrix: its cases too
        assert ws.freeze_panes == frozen, ws.title
        assert ws.auto_filter.ref == ws.dimensions, ws.title
        assert ws["A1"].font.bold
    ws = wb["coded segments"]
    widths = {ws.cell(1, i).value: ws.column_dimensions[ws.cell(1, i).column_letter].width
              for i in range(1, ws.max_column + 1)}  # fmt: skip
    assert widths["text"] == 60 and widths["start"] < 12
    assert ws.cell(2, COLUMNS.index("text") + 1).alignment.wrap_text


def test_unknown_suffix_is_a_clear_error(sample_project, tmp_path):
    proc = run("-p", str(sample_project), "export", "-o", str(tmp_path / "x.json"), check=False)
    assert proc.returncode == 1
    assert "x.json: unknown export format" in proc.stderr and "Traceback" not in proc.stderr
