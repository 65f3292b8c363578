"""The report's framework-matrix section: per code, the summaries researchers wrote per case,
with the case's group. Drafts are not reported: a report says what people concluded."""

from __future__ import annotations

import pandas as pd

from codebook.analysis.matrix import MISSING, case_values
from codebook.interchange.report.document import Heading, Paragraph, Table


def add(doc, summaries, segments, codebook, scope, by, label, group_name, t, lang, hide) -> None:
    """Add the section to `doc` if any summary of the cases in `segments` is on a code in
    `scope`; names go through `hide` (a Pseudonymiser) when the report is pseudonymised."""
    if summaries is None or summaries.empty:
        return
    mine = _in_scope(summaries, segments, scope)
    if mine.empty:
        return
    groups = case_values(segments, by)
    several = mine["coder"].nunique() > 1
    doc.add(Heading(1, t["matrix_title"]))
    doc.add(Paragraph(t["matrix_intro"].format(group=group_name.lower())))
    for code_id in scope:
        these = mine[mine["code"] == code_id]
        if these.empty:
            continue
        code = codebook.codes[code_id]
        name = code.name(lang)
        doc.add(Heading(2, f"{name} ({code_id})"))
        rows = []
        for s in these.itertuples():
            group = groups.get((s.row_kind, s.row), MISSING)
            case = s.row
            if hide is not None:
                case = hide.name(case) if s.row_kind == "transcript" else hide.text(case)
            text = hide.text(s.text) if hide is not None else s.text
            rows.append((label(group), case, s.coder, text, _order(group, codebook, by)))
        table = pd.DataFrame(rows, columns=[group_name, t["case"], t["coder"], t["summary_text"],
                                            "_order"])  # fmt: skip
        table = table.sort_values(["_order", group_name, t["case"]], kind="stable")
        table = table.drop(columns=["_order"] + ([] if several else [t["coder"]]))
        doc.add(Table(t["matrix_caption"].format(code=name), table.reset_index(drop=True)))


def _in_scope(summaries: pd.DataFrame, segments: pd.DataFrame, scope: list[str]) -> pd.DataFrame:
    cases = {("transcript", n) for n in segments["transcript"].dropna().unique()}
    if "participant" in segments.columns:
        cases |= {("participant", n) for n in segments["participant"].dropna().unique()}
    keys = list(zip(summaries["row_kind"], summaries["row"], strict=True))
    keep = summaries["code"].isin(scope) & pd.Series([k in cases for k in keys], summaries.index)
    return summaries[keep]


def _order(group: str, codebook, by: str) -> int:
    declared = codebook.attributes[by].values if by in codebook.attributes else []
    return declared.index(group) if group in declared else len(declared)
