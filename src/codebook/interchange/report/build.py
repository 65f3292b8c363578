"""Compose a report as a `Document`: title page, summary table, then every code in codebook
order with its definition, frequency by group (table and chart), quotes per group and memos."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from codebook.analysis import plots
from codebook.interchange.report import content, matrix_section
from codebook.interchange.report.charts import frequency_chart
from codebook.interchange.report.document import (
    Bullets,
    Contents,
    Document,
    Figure,
    Heading,
    Paragraph,
    Quote,
    Table,
    TitlePage,
)
from codebook.interchange.report.i18n import texts
from codebook.interchange.report.pseudonyms import Pseudonymiser
from codebook.model import Codebook, CodebookError
from codebook.progress import track


@dataclass
class ReportOptions:
    lang: str = "nl"
    by: str | None = None  # default: the first attribute the codebook declares
    codes: list[str] | None = None
    transcripts: list[str] | None = None
    quotes_per_group: int = 2
    pseudonyms: pd.DataFrame | None = None  # a mapping as read by pseudonyms.load
    summaries: pd.DataFrame | None = None  # framework summaries, as `Project.summaries()`


def build_report(
    frames: dict[str, pd.DataFrame], codebook: Codebook, project: str, options: ReportOptions
) -> Document:
    t = texts(options.lang)
    by = options.by or next(iter(codebook.attributes), "transcript")
    if by not in codebook.attributes and by != "transcript":
        known = ", ".join([*codebook.attributes, "transcript"])
        raise CodebookError(f"--by {by}: not an attribute of the codebook (choose from: {known})")
    if frames["segments"].empty:
        raise CodebookError("no transcripts to report on yet (import some with 'codebook import')")
    frames = content.select(frames, options.transcripts)
    scope = content.codes_in_scope(codebook, options.codes)
    segments, codings, coded = frames["segments"], frames["codings"], frames["coded"]
    codings = codings[codings["code"].isin(scope)]
    coded = coded[coded["code"].isin(scope)]
    freq = content.frequencies(segments, coded, codebook, by)
    quotes = content.quotes(codings, coded, by, options.quotes_per_group, codebook.language)
    memos = content.memos(codings)
    hide = Pseudonymiser(options.pseudonyms) if options.pseudonyms is not None else None
    if hide is not None:
        quotes, memos = _pseudonymise(quotes, memos, hide)

    groups = _group_order(content.group_values(segments, by), codebook, by)
    label = _group_labeller(codebook, by, options.lang, hide)
    group_name = _attribute_label(codebook, by, options.lang)

    doc = Document(options.lang)
    doc.add(_title_page(codebook, project, options, frames, codings, group_name, hide))
    doc.add(Contents(t["contents"]))
    doc.add(Heading(1, t["method_title"]))
    doc.add(Paragraph(t["method"]))
    doc.add(Heading(1, t["summary"].format(group=group_name.lower())))
    doc.add(
        Table(
            t["summary_caption"].format(group=group_name.lower()),
            _summary(freq, codebook, scope, groups, label, t, options.lang),
        )
    )
    if not freq.empty:
        doc.add(
            Figure(
                t["heatmap_caption"].format(group=group_name.lower()),
                _heatmap(freq, codebook, scope, groups, by, options.lang, hide),
                "summary",
            )
        )
    doc.add(Heading(1, t["codes"]))
    for code_id in track(scope, "Writing the report", total=len(scope)):
        _code_section(
            doc,
            codebook.codes[code_id],
            freq,
            quotes,
            memos,
            groups,
            label,
            group_name,
            t,
            options.lang,
        )
    matrix_section.add(
        doc, options.summaries, segments, codebook, scope, by, label, group_name, t,
        options.lang, hide,
    )  # fmt: skip
    return doc


def _title_page(codebook, project, options, frames, codings, group_name, hide) -> TitlePage:
    t = texts(options.lang)
    segments = frames["segments"]
    coded = frames["coded"][frames["coded"]["coding_id"].isin(codings["coding_id"])]
    title = (codebook.meta.get("title") or {}).get(options.lang) or codebook.meta.get("id", "")
    facts = [
        (t["project"], project),
        (t["date"], date.today().isoformat()),
        (t["coders"], ", ".join(sorted(codings["coder"].unique())) or "-"),
        (t["transcripts"], str(segments["transcript"].nunique())),
        (t["segments"], str(len(segments))),
        (t["codings"], str(len(codings))),
        (t["coded_segments"], str(coded["segment_id"].nunique())),
        (t["grouped_by"], group_name),
        *_left_out_fact(frames, t),
        (t["codes_selected"], ", ".join(options.codes) if options.codes else t["all_codes"]),
    ]
    if hide is not None:
        facts.append((t["pseudonymised"], t["yes"]))
    subtitle = t["subtitle"].format(title=title, version=codebook.meta.get("version", "?"))
    return TitlePage(t["report"], subtitle, facts)


def _left_out_fact(frames: dict[str, pd.DataFrame], t: dict) -> list[tuple[str, str]]:
    """How many interviewer segments the counts leave out (`frames.respondents`), if any."""
    left = frames.get("left_out")
    n = 0 if left is None else int(left["segments"].sum())
    return [(t["interviewer_left_out"], str(n))] if n else []


def _pseudonymise(quotes: pd.DataFrame, memos: pd.DataFrame, hide: Pseudonymiser):
    quotes = quotes.assign(
        text=quotes["text"].map(hide.text),
        speaker=quotes["speaker"].map(hide.text),
        transcript=quotes["transcript"].map(hide.name),
    )
    memos = memos.assign(
        memo=memos["memo"].map(hide.text), transcript=memos["transcript"].map(hide.name)
    )
    return quotes, memos


def _code_section(doc, code, freq, quotes, memos, groups, label, group_name, t, lang) -> None:
    name = code.name(lang)
    doc.add(Heading(2, f"{name} ({code.id})"))
    if code.definition:
        doc.add(Paragraph(code.definition, label=t["definition"]))
    if not code.codable:
        doc.add(Paragraph(t["grouping"]))
        return
    mine = freq[freq["code"] == code.id].set_index("group")
    if mine.empty:
        doc.add(Paragraph(t["no_codings"]))
        return
    sizes = freq.drop_duplicates("group").set_index("group")
    rows = pd.DataFrame(
        {
            "group": groups,
            "label": [label(g) for g in groups],
            "segments": [int(mine["segments"].get(g, 0)) for g in groups],
            "share": [float(mine["share"].get(g, 0.0)) for g in groups],
            "transcripts": [int(mine["transcripts"].get(g, 0)) for g in groups],
            "of": [int(sizes["group_transcripts"].get(g, 0)) for g in groups],
        }
    )
    doc.add(Heading(3, t["frequency"].format(group=group_name.lower())))
    table = pd.DataFrame(
        {
            group_name: rows["label"],
            t["segments"]: rows["segments"],
            t["share"]: rows["share"].map(lambda s: f"{s:.1%}"),
            t["of_transcripts"]: [
                f"{a} / {b}" for a, b in zip(rows["transcripts"], rows["of"], strict=True)
            ],
        }
    )
    caption = t["frequency_caption"].format(code=name, group=group_name.lower())
    doc.add(Table(caption, table))
    chart = frequency_chart(rows, name, t["coded_segments"], code.color)
    doc.add(Figure(t["chart_caption"].format(code=name, group=group_name.lower()), chart, code.id))
    mine_quotes = quotes[quotes["code"] == code.id]
    if len(mine_quotes):
        doc.add(Heading(3, t["quotes"]))
        for group in groups:
            these = mine_quotes[mine_quotes["group"] == group]
            if these.empty:
                continue
            doc.add(Paragraph("", label=f"{label(group)}"))
            for q in these.itertuples():
                speaker = (
                    q.speaker if isinstance(q.speaker, str) and q.speaker else t["speaker_unknown"]
                )
                where = f"{speaker}, {q.transcript}"
                if not pd.isna(q.page):  # a document: cite the page; no speaker to name
                    where = f"{q.speaker}, " if isinstance(q.speaker, str) and q.speaker else ""
                    where += f"{q.transcript}, " + t["page"].format(page=int(q.page))
                doc.add(Quote(q.text, f"{where} [{q.start}–{q.end}]"))
    mine_memos = memos[memos["code"] == code.id]
    if len(mine_memos):
        doc.add(Heading(3, t["memos"]))
        doc.add(Bullets([f"{m.memo} ({m.coder}, {m.transcript})" for m in mine_memos.itertuples()]))


def _summary(freq, codebook, scope, groups, label, t, lang) -> pd.DataFrame:
    table = freq.pivot_table(
        index="code", columns="group", values="segments", aggfunc="sum", fill_value=0
    )
    codes = [c for c in scope if codebook.codes[c].codable]
    table = table.reindex(index=codes, columns=groups, fill_value=0).astype(int)
    out = pd.DataFrame({t["code"]: [f"{codebook.codes[c].name(lang)} ({c})" for c in codes]})
    for g in groups:
        out[label(g)] = table[g].to_numpy()
    out[t["total"]] = table.sum(axis=1).to_numpy()
    return out


def _group_order(values: pd.Series, codebook: Codebook, by: str) -> list[str]:
    present = set(values)
    declared = codebook.attributes[by].values if by in codebook.attributes else []
    ordered = [v for v in declared if v in present]
    rest = sorted(v for v in present if v not in ordered and v != content.MISSING)
    return ordered + rest + ([content.MISSING] if content.MISSING in present else [])


def _group_labeller(codebook: Codebook, by: str, lang: str, hide):
    unknown = texts(lang)["unknown"]

    def label(value: str) -> str:
        if value == content.MISSING:
            return unknown
        if by == "transcript" and hide is not None:
            return hide.name(value)
        return str(value).replace("_", " ")

    return label


def _attribute_label(codebook: Codebook, by: str, lang: str) -> str:
    if by in codebook.attributes:
        labels = codebook.attributes[by].label
        return labels.get(lang) or labels.get("nl") or by
    return "Transcript" if by == "transcript" else by


def _heatmap(freq, codebook, scope, groups, by, lang, hide):
    """Shares of segments per code and group: the notebooks' `plots.heatmap`."""
    codes = [c for c in scope if c in set(freq["code"])]
    table = freq.pivot_table(index="code", columns="group", values="share", aggfunc="sum")
    table = table.reindex(index=codes, columns=groups).fillna(0.0)
    if hide is not None and by == "transcript":
        table.columns = [hide.name(g) for g in table.columns]
    table.columns = [texts(lang)["unknown"] if g == content.MISSING else g for g in table.columns]
    table.columns.name = by
    return plots.heatmap(table, codebook, kind="share", lang=lang)
