"""Keyword matching on lemmas, inside Dutch compounds, and through stuck punctuation."""

from codebook.nlp import KeywordMatcher, docs, lemma_string


def found(matcher, text, lang="nl"):
    return {(h.code, h.keyword, h.compound) for h in matcher.find(docs([text], lang)[0])}


def test_keywords_match_on_lemmas_not_surface_forms():
    m = KeywordMatcher({"lang": ["brief", "lezen"]}, "nl")
    assert found(m, "Ik kan de brieven niet lezen.") == {
        ("lang", "brief", False),
        ("lang", "lezen", False),
    }


def test_compound_parts_match_only_with_compounds_on():
    words = {"lang": ["taal"], "toeslag": ["toeslag"], "sys": ["stelsel"]}
    text = "Haar taalvaardigheid en het toeslagenstelsel."
    assert found(KeywordMatcher(words, "nl", compounds=True), text) == {
        ("lang", "taal", True),
        ("toeslag", "toeslag", True),
        ("sys", "stelsel", True),
    }
    assert found(KeywordMatcher(words, "nl", compounds=False), text) == set()


def test_short_keywords_do_not_match_inside_words():
    m = KeywordMatcher({"x": ["app"]}, "nl")
    assert found(m, "Ik hoorde geklapper en applaus.") == set()
    assert found(m, "De app werkt niet.") == {("x", "app", False)}


def test_punctuation_left_on_a_token_does_not_hide_a_keyword():
    m = KeywordMatcher({"digital": ["digid"]}, "nl")
    assert found(m, "Ik heb geen DigiD.") == {("digital", "digid", False)}


def test_multiword_keywords_and_english():
    m = KeywordMatcher({"help": ["help desk"], "read": ["letter"]}, "en")
    assert found(m, "The help desk read my letters.", "en") == {
        ("help", "help desk", False),
        ("read", "letter", False),
    }


def test_lemma_string_drops_stop_words_and_punctuation():
    assert lemma_string(docs(["Ik kan de brieven niet lezen, echt niet."])[0]) == "brief lezen echt"
