"""Every importer, every turn form, decoding and normalisation; offsets slice the text exactly."""

import docx
import pytest
from conftest import MINI, write

from codebook import codebooks
from codebook.ingest import read_transcript
from codebook.ingest.decode import decode, normalise
from codebook.ingest.turns import find_turns
from codebook.model import CodebookError

BOOK = codebooks.load(MINI)


def speakers(parsed):
    return [t.speaker for t in parsed.turns]


def spoken(parsed):
    return [parsed.text[t.start : t.end] for t in parsed.turns]


def assert_offsets_exact(parsed):
    for seg in parsed.segments:
        piece = parsed.text[seg.start : seg.end]
        assert piece == piece.strip() and piece, seg
        turn = next(t for t in parsed.turns if t.start <= seg.start and seg.end <= t.end)
        assert turn.speaker == seg.speaker
    starts = [s.start for s in parsed.segments]
    assert starts == sorted(starts)


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "Interviewer: Hoe gaat het?\nRespondent: Goed. Echt goed.\n",
            [("Interviewer", "Hoe gaat het?"), ("Respondent", "Goed. Echt goed.")],
        ),
        (
            "I: Vraag een.\nR: Antwoord een.\nI: Vraag twee.\nR: Antwoord twee.",
            [
                ("I", "Vraag een."),
                ("R", "Antwoord een."),
                ("I", "Vraag twee."),
                ("R", "Antwoord twee."),
            ],
        ),
        (
            "[00:12:03] Fatima: Ik lees de brief.\n[00:12:30] Interviewer: En dan?",
            [("Fatima", "Ik lees de brief."), ("Interviewer", "En dan?")],
        ),
        (
            "00:12:03 Fatima\nIk lees de brief.\nDat is moeilijk.\n\n00:13:10 Interviewer\nWaarom?",
            [("Fatima", "Ik lees de brief.\nDat is moeilijk."), ("Interviewer", "Waarom?")],
        ),
        (
            "Meneer De Vries: Eerste.\nAnna: Tweede.\nMeneer De Vries: Derde.\nAnna: Vierde.",
            [
                ("Meneer De Vries", "Eerste."),
                ("Anna", "Tweede."),
                ("Meneer De Vries", "Derde."),
                ("Anna", "Vierde."),
            ],
        ),
        ("**I:** Vraag.\n**R:** Antwoord.", [("I", "Vraag."), ("R", "Antwoord.")]),
    ],
)
def test_turn_forms(body, expected):
    turns = find_turns(body)
    assert [(t.speaker, body[t.start : t.end]) for t in turns] == expected


def test_turn_timestamps_are_kept():
    body = "[00:12:03] Fatima: Ja.\n[1:02:03] Ben: Nee.\n05:07 Fatima\nMisschien."
    assert [t.timestamp for t in find_turns(body)] == [723.0, 3723.0, 307.0]


def test_a_colon_in_a_story_is_not_a_speaker():
    body = "R: Ik zei het zo. Dus: ik ging weg.\nWat ik bedoel: het is lastig.\nI: Oké."
    turns = find_turns(body)
    assert [t.speaker for t in turns] == ["R", "I"]


def test_text_before_the_first_turn_has_no_speaker():
    body = "Interview op 3 maart.\nI: Dag.\nR: Dag."
    assert [t.speaker for t in find_turns(body)] == [None, "I", "R"]


def test_txt_with_front_matter(tmp_path):
    path = write(
        tmp_path / "int.txt",
        "---\ntitle: Test (fictief)\nfictional: true\n"
        "stakeholder_group: ouder\ndomain: opvoeding\n---\n"
        "I: Kunt u de brief lezen?\nR: Nee. Mijn dochter leest hem. Ze is tien.\n",
    )
    parsed = read_transcript(path, BOOK)
    assert parsed.attributes == {"stakeholder_group": "ouder", "domain": "opvoeding"}
    assert parsed.metadata == {"title": "Test (fictief)", "fictional": True}
    assert speakers(parsed) == ["I", "R"]
    assert [parsed.text[s.start : s.end] for s in parsed.segments] == [
        "Kunt u de brief lezen?",
        "Nee.",
        "Mijn dochter leest hem.",
        "Ze is tien.",
    ]
    assert parsed.language == "nl" and parsed.format == "txt"
    assert_offsets_exact(parsed)


def test_front_matter_attributes_are_checked(tmp_path):
    bad_value = write(tmp_path / "a.txt", "---\nstakeholder_group: astronaut\n---\nI: Hoi.\n")
    with pytest.raises(CodebookError, match="a.txt: stakeholder_group='astronaut' is not allowed"):
        read_transcript(bad_value, BOOK)
    bad_key = write(tmp_path / "b.txt", "---\nstakholder_group: ouder\n---\nI: Hoi.\n")
    with pytest.raises(CodebookError, match="unknown front matter key 'stakholder_group'"):
        read_transcript(bad_key, BOOK)
    broken = write(tmp_path / "c.md", "---\ntitle: [unclosed\n---\nI: Hoi.\n")
    with pytest.raises(CodebookError, match="c.md:.*invalid front matter"):
        read_transcript(broken, BOOK)


def test_attr_option_overrides_and_is_checked(tmp_path):
    path = write(tmp_path / "a.txt", "---\nstakeholder_group: ouder\n---\nI: Hoi.\n")
    assert read_transcript(path, BOOK, {"stakeholder_group": "leerkracht"}).attributes == {
        "stakeholder_group": "leerkracht"
    }
    with pytest.raises(CodebookError, match="unknown attribute 'colour'"):
        read_transcript(path, BOOK, {"colour": "blue"})


def test_markdown_heading_is_not_a_segment(tmp_path):
    path = write(
        tmp_path / "a.md",
        "# Interview met Anna\n\nAnna: Ik werk bij de school. "
        "Al lang.\nInterviewer: Hoe lang?\nAnna: Tien jaar.\n",
    )
    parsed = read_transcript(path, BOOK)
    texts = [parsed.text[s.start : s.end] for s in parsed.segments]
    assert texts == ["Ik werk bij de school.", "Al lang.", "Hoe lang?", "Tien jaar."]
    assert_offsets_exact(parsed)


def test_docx_with_bold_speakers_and_name_colon(tmp_path):
    d = docx.Document()
    d.add_paragraph("Fictief interview (titel)")
    p = d.add_paragraph()
    p.add_run("Interviewer").bold = True
    p.add_run(" Hoe gaat het met de brieven?")
    p = d.add_paragraph()
    p.add_run("Sanne:").bold = True
    p.add_run(" Slecht. Ik snap ze niet.")
    d.add_paragraph("Dat blijft lastig.")
    d.add_paragraph("Interviewer: En de app?")
    d.add_paragraph("Sanne: Die gaat wel.")
    path = tmp_path / "a.docx"
    d.save(path)
    parsed = read_transcript(path, BOOK)
    assert speakers(parsed) == [None, "Interviewer", "Sanne", "Interviewer", "Sanne"]
    assert spoken(parsed)[2] == "Slecht. Ik snap ze niet.\nDat blijft lastig."
    assert_offsets_exact(parsed)


def test_docx_table_transcript(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Interviewer", "Wat doet u?"
    t.cell(1, 0).text, t.cell(1, 1).text = "Ahmed", "Ik werk in de haven."
    path = tmp_path / "t.docx"
    d.save(path)
    parsed = read_transcript(path, BOOK)
    assert list(zip(speakers(parsed), spoken(parsed), strict=True)) == [
        ("Interviewer", "Wat doet u?"),
        ("Ahmed", "Ik werk in de haven."),
    ]


TEAMS_VTT = """WEBVTT

NOTE fictief

00:00:01.000 --> 00:00:04.000
<v Interviewer>Goedemiddag. Hoort u mij?</v>

00:00:04.500 --> 00:00:06.000
<v Ilse Bakker>Ja, prima.</v>

00:00:06.000 --> 00:00:09.000
<v Ilse Bakker>Ik werk op de voorschool.</v>

00:01:10.000 --> 00:01:12.000
<v Interviewer>Dank u.</v>
"""

ZOOM_VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Interviewer: Goedemiddag Yusuf.

2
00:00:05.000 --> 00:00:07.000
Yusuf: Dag. Ik zit in de auto.

3
00:00:07.000 --> 00:00:09.000
Yusuf: Het is pauze.
"""

SRT = """1
00:00:01,000 --> 00:00:03,000
Interviewer: Welkom.

2
00:00:03,500 --> 00:00:06,000
Jeroen: Dank je. Ik werk bij het UWV.

3
00:00:06,000 --> 00:00:08,000
Jeroen: Al twaalf jaar.
"""


def test_vtt_teams_voice_tags_merge_consecutive_cues(tmp_path):
    parsed = read_transcript(write(tmp_path / "teams.vtt", TEAMS_VTT), BOOK)
    assert speakers(parsed) == ["Interviewer", "Ilse Bakker", "Interviewer"]
    assert spoken(parsed)[1] == "Ja, prima. Ik werk op de voorschool."
    assert [t.timestamp for t in parsed.turns] == [1.0, 4.5, 70.0]
    assert parsed.text.splitlines()[1].startswith("[00:00:04] Ilse Bakker: ")
    assert_offsets_exact(parsed)


def test_vtt_zoom_name_colon(tmp_path):
    parsed = read_transcript(write(tmp_path / "zoom.vtt", ZOOM_VTT), BOOK)
    assert speakers(parsed) == ["Interviewer", "Yusuf"]
    assert spoken(parsed)[1] == "Dag. Ik zit in de auto. Het is pauze."
    assert len(parsed.segments) == 4
    assert_offsets_exact(parsed)


def test_srt(tmp_path):
    parsed = read_transcript(write(tmp_path / "uwv.srt", SRT), BOOK)
    assert speakers(parsed) == ["Interviewer", "Jeroen"]
    assert spoken(parsed)[1] == "Dank je. Ik werk bij het UWV. Al twaalf jaar."
    assert_offsets_exact(parsed)


def test_broken_subtitles_and_docx_give_clear_errors(tmp_path):
    with pytest.raises(CodebookError, match="bad.vtt: not a valid VTT file"):
        read_transcript(write(tmp_path / "bad.vtt", "this is not webvtt\n"), BOOK)
    with pytest.raises(CodebookError, match="bad.docx: not a .docx file"):
        read_transcript(write(tmp_path / "bad.docx", b"PK nope"), BOOK)
    with pytest.raises(CodebookError, match="x.pdf: not a PDF file"):
        read_transcript(write(tmp_path / "x.pdf", b"%PDF"), BOOK)
    with pytest.raises(CodebookError, match="unsupported format '.pages'"):
        read_transcript(write(tmp_path / "x.pages", b"PK"), BOOK)


def test_decoding_utf8_bom_utf16_and_cp1252():
    text = "R: Café, één brief.\r\nI: Oké."
    assert decode(text.encode("utf-8-sig"), "a")[0] == "R: Café, één brief.\nI: Oké."
    assert decode(text.encode("utf-16"), "a")[0] == "R: Café, één brief.\nI: Oké."
    assert decode(b"\xfe\xff" + text.encode("utf-16-be"), "a")[0].startswith("R: Café")
    decoded, warnings = decode(text.encode("cp1252"), "old.txt")
    assert decoded == "R: Café, één brief.\nI: Oké."
    assert warnings == ["old.txt: not valid UTF-8; read as Windows-1252"]


def test_normalisation_nfc_newlines_bom():
    decomposed = "e\u0301e\u0308n"  # é ë as combining sequences
    assert normalise("\ufeff" + decomposed + "\r\nx\ry") == "\u00e9\u00ebn\nx\ny"


def test_binary_and_empty_files_are_refused(tmp_path):
    with pytest.raises(CodebookError, match="img.txt: looks like a binary file"):
        read_transcript(write(tmp_path / "img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00"), BOOK)
    with pytest.raises(CodebookError, match="empty.txt: file is empty"):
        read_transcript(write(tmp_path / "empty.txt", b""), BOOK)
    with pytest.raises(CodebookError, match="only-front.md: no transcript text"):
        read_transcript(write(tmp_path / "only-front.md", "---\ntitle: x\n---\n\n"), BOOK)


def test_english_is_detected_and_segmented(tmp_path):
    path = write(
        tmp_path / "en.txt",
        "Interviewer: How do you deal with the letters from the "
        "tax office?\nParticipant: My neighbour reads them for me. I cannot read "
        "them well.\n",
    )
    parsed = read_transcript(path, BOOK)
    assert parsed.language == "en"
    assert len(parsed.segments) == 3


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I: Hoe gaat het?\nR: Goed, ik lees de brief van de gemeente niet zo snel.", "nl"),
        ("I: How are you?\nR: Fine, but I do not read the letters from the council.", "en"),
        ("I: 12:30\nR: 14:00", "xx"),  # no words: the codebook's language
        ("OK. DigiD. Bijlage.", "xx"),  # no stop words: too little to tell
    ],
)
def test_language_is_told_by_its_stop_words(text, expected):
    from codebook.nlp.language import detect_language

    assert detect_language(text, "xx") == expected
