"""Headings and fixed phrases of reports and codebook documents, in Dutch and English."""

from __future__ import annotations

from codebook.model import CodebookError

TEXT = {
    "nl": {
        "report": "Rapportage van de codering",
        "codebook_doc": "Codeboek",
        "contents": "Inhoud",
        "project": "Project",
        "codebook": "Codeboek",
        "date": "Datum",
        "coders": "Codeurs",
        "transcripts": "Transcripten",
        "segments": "Segmenten",
        "codings": "Coderingen",
        "coded_segments": "Gecodeerde segmenten",
        "grouped_by": "Uitgesplitst naar",
        "codes_selected": "Codes",
        "all_codes": "alle",
        "pseudonymised": "Gepseudonimiseerd",
        "interviewer_left_out": "Segmenten van de interviewer niet meegeteld",
        "yes": "ja",
        "summary": "Overzicht: codes per {group}",
        "summary_caption": "Gecodeerde segmenten per code en {group}",
        "heatmap_caption": "Aandeel van de segmenten per code en {group}",
        "codes": "Codes",
        "code": "Code",
        "total": "Totaal",
        "definition": "Definitie:",
        "include": "Wanneer toepassen:",
        "exclude": "Wanneer niet:",
        "examples": "Voorbeelden:",
        "keywords": "Trefwoorden:",
        "hotkey": "Sneltoets:",
        "id": "Id:",
        "frequency": "Frequentie per {group}",
        "frequency_caption": "{code}: gecodeerde segmenten per {group}",
        "chart_caption": "{code}: gecodeerde segmenten per {group}",
        "share": "Aandeel van de segmenten",
        "of_transcripts": "Transcripten",
        "quotes": "Citaten",
        "quotes_of": "{group}",
        "memos": "Memo's",
        "grouping": "Groeperende code; de onderliggende codes volgen hieronder.",
        "no_codings": "Geen coderingen in de geselecteerde transcripten.",
        "unknown": "(onbekend)",
        "subtitle": "{title}, versie {version}",
        "speaker_unknown": "spreker onbekend",
        "page": "p. {page}",
        "attributes": "Kenmerken van transcripten",
        "values": "Waarden",
        "attribute": "Kenmerk",
        "person": "Persoon",
        "method": (
            "Aantallen zijn gecodeerde segmenten (zinnen): een segment dat door meer codeurs of "
            "meermaals met dezelfde code is gecodeerd, telt één keer. Het aandeel is het deel van "
            "alle segmenten van die groep. Citaten zijn per groep de passages die het meest "
            "lijken op alles wat met de code is gecodeerd (TF-IDF van lemma's)."
        ),
        "method_title": "Werkwijze",
        "matrix_title": "Raamwerkmatrix: samenvattingen per code en casus",
        "matrix_intro": (
            "Per code de samenvattingen die onderzoekers per casus (transcript of deelnemer) "
            "schreven, met de {group} van de casus."
        ),
        "matrix_caption": "{code}: samenvattingen per casus",
        "case": "Casus",
        "coder": "Codeur",
        "summary_text": "Samenvatting",
    },
    "en": {
        "report": "Coding report",
        "codebook_doc": "Codebook",
        "contents": "Contents",
        "project": "Project",
        "codebook": "Codebook",
        "date": "Date",
        "coders": "Coders",
        "transcripts": "Transcripts",
        "segments": "Segments",
        "codings": "Codings",
        "coded_segments": "Coded segments",
        "grouped_by": "Grouped by",
        "codes_selected": "Codes",
        "all_codes": "all",
        "pseudonymised": "Pseudonymised",
        "interviewer_left_out": "Interviewer segments left out",
        "yes": "yes",
        "summary": "Summary: codes by {group}",
        "summary_caption": "Coded segments per code and {group}",
        "heatmap_caption": "Share of segments per code and {group}",
        "codes": "Codes",
        "code": "Code",
        "total": "Total",
        "definition": "Definition:",
        "include": "When to use:",
        "exclude": "When not to use:",
        "examples": "Examples:",
        "keywords": "Keywords:",
        "hotkey": "Hotkey:",
        "id": "Id:",
        "frequency": "Frequency by {group}",
        "frequency_caption": "{code}: coded segments by {group}",
        "chart_caption": "{code}: coded segments by {group}",
        "share": "Share of segments",
        "of_transcripts": "Transcripts",
        "quotes": "Quotes",
        "quotes_of": "{group}",
        "memos": "Memos",
        "grouping": "Grouping code; its subcodes follow below.",
        "no_codings": "No codings in the selected transcripts.",
        "unknown": "(unknown)",
        "subtitle": "{title}, version {version}",
        "speaker_unknown": "speaker unknown",
        "page": "p. {page}",
        "attributes": "Transcript attributes",
        "values": "Values",
        "attribute": "Attribute",
        "person": "Person",
        "method": (
            "Counts are coded segments (sentences): a segment coded by several coders, or more "
            "than once with the same code, counts once. The share is the part of all segments "
            "of that group. Quotes are, per group, the passages most like everything coded "
            "with the code (TF-IDF of lemmas)."
        ),
        "method_title": "Method",
        "matrix_title": "Framework matrix: summaries by code and case",
        "matrix_intro": (
            "Per code, the summaries researchers wrote per case (transcript or participant), "
            "with the case's {group}."
        ),
        "matrix_caption": "{code}: summaries by case",
        "case": "Case",
        "coder": "Coder",
        "summary_text": "Summary",
    },
}


def texts(lang: str) -> dict[str, str]:
    if lang not in TEXT:
        raise CodebookError(f"--lang {lang}: choose nl or en")
    return TEXT[lang]
