"""Function markers: how a passage says something, next to what it is about."""

from codebook.nlp import docs
from codebook.nlp.function import describe, feature_string, strip_markers


def fs(text: str, lang: str = "nl") -> list[str]:
    return feature_string(docs([text], lang)[0], lang).split()


def test_negation_and_modality_stay_in_place_next_to_the_topic():
    words = fs("Ik kan de brief niet lezen.")
    assert words[: words.index("~i") if "~i" in words else None][:4] == [
        "~modal",
        "brief",
        "~neg",
        "lezen",
    ]
    assert "~i" in words  # who speaks: a passage marker at the end


def test_passage_markers_for_question_past_tense_and_numbers():
    assert {"~question", "~number"} <= set(fs("Hoeveel moet ik betalen, 25 euro?"))
    assert "~past" in fs("Ik heb de brief gisteren gelezen.")
    assert "~past" in fs("Toen was alles anders.")
    assert "~past" not in fs("Ik lees de brief.")


def test_problem_success_and_contrast_words():
    words = fs("Het formulier is lastig, maar met hulp lukt het.")
    assert {"~problem", "~contrast", "~success"} <= set(words)
    assert "formulier" in words


def test_english_markers_and_descriptions():
    words = fs("We could not log in, but the library helped.", "en")
    assert {"~neg", "~modal", "~contrast", "~success", "~we"} <= set(words)
    assert describe("~neg lezen") == "negation + lezen"
    assert strip_markers("~modal brief ~neg lezen") == "brief lezen"
