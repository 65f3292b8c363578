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


def test_phrases_match_lemmas_in_order_and_gaps_stay_in_the_sentence():
    m = KeywordMatcher({"motivation": ["geen zin", "er ... zin in"], "design": ["lange zinnen"]})
    assert found(m, "Ik heb er echt geen zin in.") == {
        ("motivation", "geen zin", False),
        ("motivation", "er ... zin in", False),
    }
    assert found(m, "De brief heeft lange zinnen.") == {("design", "lange zinnen", False)}
    assert found(m, "Zin? In de brief.") == set()  # no gap across a sentence end
    assert found(m, "Er staan veel te veel lange woorden in die zin in.") == set()  # gap > 4


def test_hits_say_how_many_lemmas_a_keyword_has():
    m = KeywordMatcher({"time": ["geen tijd", "tijdgebrek"]})
    hits = {h.keyword: h.words for h in m.find(docs(["Geen tijd, tijdgebrek."])[0])}
    assert hits == {"geen tijd": 2, "tijdgebrek": 1}


def test_a_bad_keyword_pattern_is_one_clear_line(tmp_path):
    from conftest import run, write

    path = write(
        tmp_path / "book.yaml",
        "codebook:\n  id: x\n  title: x\ncodes:\n"
        "  - id: a\n    label: A\n    keywords: [goed, '... tijd']\n",
    )
    proc = run("codebook", "validate", str(path), check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "book.yaml:7: 'a': keyword '... tijd' starts or ends with '...'" in proc.stderr
