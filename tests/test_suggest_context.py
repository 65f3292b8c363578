"""How a passage is read (suggest.context): the question before the turn, the sentences around,
coded spans as the segments they cover; on the mini codebook (another project than the sample)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import write

from codebook.suggest.context import (
    Reading,
    read_span,
    readings,
    smooth,
    span_context,
    span_examples,
)

BODY = (
    "I: Dat is fijn. Wie helpt u met de post?\n"
    "R: Mijn zoon. Hij is elf. Hij leest snel. Soms mist hij iets.\n"
    "I: Bedankt voor uw tijd.\n"
    "R: Graag gedaan.\n"
)


@pytest.fixture
def gesprek(tmp_path, mini_project):
    mini_project.import_files([write(tmp_path / "gesprek.txt", f"---\n---\n{BODY}")])
    t = mini_project.transcript("gesprek")
    return mini_project, t, mini_project.store.segments(t.id)


def at(t, text: str) -> tuple[int, int]:
    start = t.text.index(text)
    return start, start + len(text)


def test_the_question_before_the_turn_is_read_with_the_answer(gesprek):
    _, t, segs = gesprek
    context = span_context(t.text, segs, *at(t, "Hij is elf."))
    assert "Wie helpt u met de post?" in context and "Dat is fijn." not in context
    assert context.count("Hij is elf.") == 2  # its own words weigh most
    assert "Mijn zoon." in context and "Hij leest snel." in context  # the sentence around
    assert "Wie helpt" not in span_context(t.text, segs, *at(t, "Hij is elf."), question=False)
    # a turn before that asks nothing gives no question
    assert "Bedankt" not in span_context(t.text, segs, *at(t, "Graag gedaan."))


def test_the_sentences_around_are_the_same_turns_by_distance(gesprek):
    _, t, segs = gesprek
    reading = read_span(t.text, segs, *at(t, "Mijn zoon."))
    weights = {text.split("?")[-1].split(".")[0].strip(): w for text, w in reading.around}
    assert sorted(reading.around, key=lambda a: -a[1])[0][1] == 0.5
    assert set(weights.values()) == {0.5, 0.25}  # two to the right, none to the left
    assert all("Bedankt" not in text for text, _ in reading.around)
    every = readings(t.text, segs)
    alone = [g.index for g in segs if t.text[g.start : g.end] == "Graag gedaan."][0]
    assert len(every) == len(segs) and every[alone].around == ()  # a one-sentence turn
    assert all(isinstance(r, Reading) for r in every)


def test_a_coded_span_becomes_the_segments_it_covers(gesprek):
    _, t, segs = gesprek
    start, _ = at(t, "Hij is elf.")
    _, end = at(t, "Hij leest snel.")
    examples = span_examples(t.text, segs, start, end)
    assert [own for _, own, _ in examples] == ["Hij is elf.", "Hij leest snel."]
    assert sum(w for _, _, w in examples) == pytest.approx(1.0)
    assert all("Wie helpt u met de post?" in context for context, _, _ in examples)
    # a phrase inside one sentence is one example, the phrase itself
    phrase = span_examples(t.text, segs, *at(t, "snel"))
    assert [(own, w) for _, own, w in phrase] == [("snel", 1.0)]


def test_smooth_averages_by_weight():
    scores = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    out = smooth(scores, [[(1, 1.0)], []])
    assert out.shape == (2, 2)
    assert out[0] == pytest.approx([0.5, 0.5]) and out[1] == pytest.approx([0.0, 1.0])


def test_the_sentences_around_raise_a_code_and_say_so(tmp_path, mini_project):
    body = "I: Hoe gaat het?\nR: Inloggen op de computer lukt niet. Ja. Dat is zo. Ja. De app.\n"
    mini_project.import_files([write(tmp_path / "digi.txt", f"---\n---\n{body}")])
    t = mini_project.transcript("digi")
    found = mini_project.suggest(t, *at(t, "Dat is zo."), top=3)  # its own words say nothing
    assert found[0].code == "barrier.digital"
    assert any("the sentences around it point here too" in why for why in found[0].why)
