"""The codebook prior's parts: exclude clauses that lower one code and raise another, and the
Platt calibration of the learned model."""

import numpy as np
from conftest import DATA, REFERENCE

from codebook import codebooks
from codebook.nlp import docs
from codebook.suggest.learned import platt
from codebook.suggest.prior import CodebookPrior, exclude_clauses


def test_exclude_clauses_point_to_codes_with_wildcards():
    book = codebooks.load(REFERENCE)
    codes = [c for c in book.codes.values() if c.codable]
    ids = [c.id for c in codes]
    clauses = {
        (ids[c], text): [ids[t] for t in targets] for c, text, targets in exclude_clauses(codes)
    }
    assert clauses[
        ("cog.basic.digital", "Geen eigen smartphone, computer, printer of internet")
    ] == ["sit.access"]
    wildcard = [v for (code, text), v in clauses.items() if code == "dsg" and "instanties" in text]
    assert wildcard == [["cog.knowledge.domain", "cog.knowledge.institutional"]]


def test_an_exclude_clause_lowers_its_code_and_raises_the_target():
    book = codebooks.load(DATA / "english-codebook.yaml")
    prior = CodebookPrior(book, "en")
    index = {c: i for i, c in enumerate(prior.ids)}
    text = "Trouble with apps and websites, and logging in."
    scores, evidence = prior.score(docs([text], "en"))
    reading = evidence[0][index["skills.reading"]]
    digital = evidence[0][index["skills.digital"]]
    assert reading["exclude"] > 0 and reading["clause"].startswith("Trouble with apps")
    assert digital["redirect"] > 0
    # so the code the clause points to comes first
    assert scores[0, index["skills.digital"]] > scores[0, index["skills.reading"]]


def test_a_clause_without_an_arrow_only_lowers():
    book = codebooks.load(DATA / "english-codebook.yaml")
    codes = [c for c in book.codes.values() if c.codable]
    plain = [t for c, text, t in exclude_clauses(codes) if text.startswith("Not owning")]
    assert plain == [[]]


def test_platt_scaling_maps_decision_values_to_probabilities():
    rng = np.random.default_rng(0)
    y = rng.random(400) < 0.3
    f = np.where(y, 1.0, -1.0) + rng.normal(0, 1.0, 400)  # noisy but informative scores
    a, b = platt(f, y, np.ones(400))
    p = 1 / (1 + np.exp(-(a * f + b)))
    assert a > 0
    assert abs(p.mean() - y.mean()) < 0.05  # calibrated: mean probability = base rate
    assert p[y].mean() > p[~y].mean()


def test_a_code_whose_words_are_everywhere_in_the_project_no_longer_leads(mini_project, tmp_path):
    """Calibration: in a project about letters, 'brief' and 'lezen' say little about a passage."""
    from conftest import write

    turns = "".join(
        f"R: Ik lees elke week een brief over onderwerp {i}.\nI: En verder?\n" for i in range(120)
    )
    asked = "Ik lees de brief en schrijf terug, en ik vraag hulp."
    path = write(tmp_path / "post.txt", f"---\n---\n{turns}R: {asked}\n")
    mini_project.import_files([path])
    t = mini_project.transcript("post")
    start = t.text.index(asked)
    first = [s.code for s in mini_project.suggest(t, start, start + len(asked))]
    assert first[0] == "help"  # 'vragen', 'hulp' stand out; 'lezen', 'brief' are everywhere

    prior = mini_project.suggester.prior
    level = dict(zip(prior.ids, prior.baseline_, strict=True))
    assert level["barrier.language"] > 0.4 > level["help"]
    prior.baseline_ = None  # the same passage scored without the project's levels
    raw = prior.score(docs([asked], "nl"))[0][0]
    assert prior.ids[int(np.argmax(raw))] == "barrier.language"
    cached = list((mini_project.root / ".codebook" / "suggest").glob("level-*.npy"))
    assert len(cached) == 1 and np.allclose(np.load(cached[0]), list(level.values()))


def test_the_level_is_measured_on_a_fixed_sample_of_respondents_passages(mini_project, tmp_path):
    from conftest import write

    from codebook.suggest.data import corpus

    turns = "".join(f"I: Vraag {i}?\nR: Antwoord nummer {i}.\n" for i in range(30))
    mini_project.import_files([write(tmp_path / "kort.txt", f"---\n---\n{turns}")])
    store = mini_project.store
    asked = mini_project._interviewer_segments()
    every = corpus(store.transcripts(), store.segments(), asked)
    assert len(every) == 30 and all("Antwoord" in p for p in every)
    assert every[3].startswith("Vraag 3?")  # read as the suggester reads it: with the question
    some = corpus(store.transcripts(), store.segments(), asked, limit=10)
    assert len(some) == 10 and set(some) < set(every)
    assert some == corpus(store.transcripts(), store.segments(), asked, limit=10)
