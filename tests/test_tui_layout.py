"""The transcript view's arithmetic, without an app: rows, word wrap, spans, search, codings."""

from __future__ import annotations

from codebook.model import Coding, Segment
from codebook.tui.widgets import transcript_layout as lay

TEXT = "Ik lees de brief niet. De school stuurt alles via de app. Mijn zoon helpt."


def segments() -> list[Segment]:
    """Three sentences: two by the mother, one by the interviewer."""
    cuts = [(0, 22), (23, 57), (58, len(TEXT))]
    speakers = ["Amina", "Amina", "Interviewer"]
    return [
        Segment(None, 1, i, a, b, who, 60.0 * i)
        for i, ((a, b), who) in enumerate(zip(cuts, speakers, strict=True))
    ]


def test_wrap_breaks_at_spaces_and_cuts_long_words():
    pieces = lay.wrap(TEXT, 0, 22, 10)
    assert [TEXT[a:b] for a, b in pieces] == ["Ik lees de", "brief", "niet."]
    assert lay.wrap("x" * 20, 0, 20, 8) == [(0, 8), (8, 16), (16, 20)]


def test_layout_rows_blank_row_between_turns_and_gutter_labels():
    segs = segments()
    rows, first_row = lay.layout(TEXT, segs, 40)
    assert [r.segment for r in rows] == [0, 1, -1, 2]
    assert first_row == [0, 1, 3]
    assert lay.rows_of(rows, first_row, 1) == (1, 1)
    assert lay.gutter_label(rows, segs, 0) == ("Amina", True)
    assert lay.gutter_label(rows, segs, 1) == ("", False)  # same speaker: no new name
    assert lay.gutter_label(rows, segs, 3) == ("Interview", True)  # cut to the gutter
    assert lay.page_target(rows, 2) == 2  # a page jump onto the blank row lands on the next turn
    narrow, _ = lay.layout(TEXT, segs, 12)
    assert lay.gutter_label(narrow, segs, 1) == ("00:00:00", False)  # time under the name
    assert lay.text_width(80, comparing=False) - lay.text_width(80, comparing=True) == lay.OTHER


def test_segments_of_a_span_and_the_nearest_of_a_sorted_list():
    starts = [s.start for s in segments()]
    assert lay.segments_of(starts, 5, 30) == range(0, 2)
    assert lay.segments_of(starts, 60, 61) == range(2, 3)
    assert lay.segment_at(starts, 57) == 1
    assert lay.nearest([1, 4, 9], 4, 1) == 9 and lay.nearest([1, 4, 9], 4, -1) == 1
    assert lay.nearest([1, 4, 9], 9, 1) is None


def test_word_moves_and_snapping_to_words():
    assert TEXT[: lay.word_end(TEXT, 0, 1)] == "Ik"
    assert lay.word_end(TEXT, 7, -1) == 2  # "Ik lees" gives "lees" back
    assert TEXT[lay.moved_start(TEXT, 0, 22, 1) :].startswith("lees")
    assert lay.moved_start(TEXT, 3, 22, -1) == 0
    # from a word's first letter one word back, not two ("lees de|": de -> lees)
    assert lay.moved_start(TEXT, 8, 22, -1) == 3
    assert lay.snap_to_words(TEXT, 4, 13) == (3, 16)  # "lees de brief"


def test_search_hits_wrap_around_and_cut_the_row_into_runs():
    hits = lay.find_all(TEXT, "DE")
    assert [TEXT[h : h + 2].lower() for h in hits] == ["de"] * len(hits) and len(hits) == 3
    assert lay.next_hit(hits, hits[-1], forward=True) == hits[0]
    assert lay.next_hit(hits, hits[0], forward=False) == hits[-1]
    found = lay.hits_in(hits, 2, 0, 22)
    assert found == [(8, 10)]
    runs = lay.runs(0, 22, [(3, 16)], sel=(0, 22), found=found)
    assert [(p, q) for p, q, *_ in runs] == [(0, 3), (3, 8), (8, 10), (10, 16), (16, 22)]
    assert [span for _, _, span, _, _ in runs] == [-1, 0, 0, 0, -1]
    assert [match for _, _, _, match, _ in runs] == [False, False, True, False, False]
    assert all(selected for *_, selected in runs)


def test_segment_codings_index_add_and_remove():
    starts = [s.start for s in segments()]
    a = Coding(1, 1, 0, 30, "cog.basic.language", "coder_a")
    b = Coding(2, 1, 58, 70, "sit.network", "coder_a")
    index = lay.SegmentCodings(starts, [a])
    assert index.on_segment == [[1], [1], []]
    assert index.codes(1) == {"cog.basic.language"}
    assert index.add(b) == range(2, 3) and index.at(2) == [b]
    assert index.remove(1) == range(0, 2) and index.on_segment == [[], [], [2]]
    assert index.remove(99) == range(0)
