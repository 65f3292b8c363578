"""Suggestions through the Project facade, as the TUI uses them: cold start, learning,
rejections, explanations, the active-learning queue, caching and background retraining."""

from __future__ import annotations

import threading

import pytest
from conftest import write

from codebook import Project
from codebook.model import CodebookError

LINES = [
    "Ik kan de brief van de gemeente niet lezen.",  # barrier.language (keyword brief, lezen)
    "Ik kan niet inloggen op de computer.",  # barrier.digital (keywords)
    "Mijn buurvrouw helpt mij altijd.",  # help (keywords)
    "Het formulier met de vinkjes snap ik nooit.",
    "Dat formulier met de vinkjes is een ramp.",
    "Bij het formulier over de vinkjes ga ik fout.",
    "Weer een formulier met vinkjes, ik word er moe van.",
    "Het woord in de brief begrijp ik niet.",
    "Mijn zoon leest de brieven voor.",
    "Het weer was mooi.",
    "Mijn buurvrouw helpt met de brief.",  # help and barrier.language
]
PROBE = "Ook dat formulier met al die vinkjes lukt niet."


@pytest.fixture
def project(tmp_path, mini_project) -> Project:
    # an interviewer turn between the answers, so each answer is read on its own
    body = "\n".join(f"I: En toen?\nR: {line}" for line in [*LINES, PROBE])
    path = write(tmp_path / "gesprek.txt", f"---\nstakeholder_group: ouder\n---\n{body}\n")
    mini_project.import_files([path])
    return mini_project


def span(project, text: str) -> tuple:
    t = project.transcript("gesprek")
    start = t.text.index(text)
    return t, start, start + len(text)


def code(project, text: str, code_id: str, coder: str = "anna") -> None:
    t, start, end = span(project, text)
    project.add_coding(t, start, end, code_id, coder)


def ranked(project, text: str, **kw) -> list[str]:
    t, start, end = span(project, text)
    return [s.code for s in project.suggest(t, start, end, **kw)]


def test_cold_start_ranks_by_the_codebook_and_says_why(project):
    t, start, end = span(project, LINES[1])
    first = project.suggest(t, start, end)[0]
    assert first.code == "barrier.digital"
    assert 0 < first.score <= 1
    assert any("keyword 'inloggen'" in why for why in first.why)
    assert first.model is None  # nothing learned yet
    assert ranked(project, LINES[2])[0] == "help"
    assert ranked(project, LINES[0])[0] == "barrier.language"


def test_scores_are_sorted_and_top_is_respected(project):
    t, start, end = span(project, LINES[10])
    found = project.suggest(t, start, end, top=2)
    assert {s.code for s in found} == {"help", "barrier.language"}
    assert found[0].score >= found[1].score
    assert len(project.suggest(t, start, end, top=1)) == 1


def test_a_bad_span_is_a_clear_error(project):
    t = project.transcript("gesprek")
    with pytest.raises(CodebookError, match="gesprek: span"):
        project.suggest(t, 10, 5)


def test_suggestions_improve_after_coding(project):
    t, start, end = span(project, PROBE)
    before = {s.code: s for s in project.suggest(t, start, end, top=3)}
    assert "barrier.digital" not in before  # no keyword for forms in the codebook
    for line in LINES[3:7]:
        code(project, line, "barrier.digital")
    for line in (LINES[0], LINES[7]):
        code(project, line, "barrier.language")
    code(project, LINES[2], "help")
    code(project, LINES[8], "help")
    assert project.retrain() is True
    after = project.suggest(t, start, end, top=3)
    assert after[0].code == "barrier.digital"
    assert after[0].model is not None and after[0].model > 0.5
    assert any(w.startswith("like coded example: '") for w in after[0].why)
    assert any("formulier" in term or "vinkje" in term for term, _ in after[0].terms)


def test_rejected_and_applied_codes_are_left_out_for_that_coder(project):
    t, start, end = span(project, LINES[1])
    project.reject_suggestion(t, start, end, "barrier.digital", "anna")
    assert "barrier.digital" not in ranked(project, LINES[1], coder="anna")
    assert ranked(project, LINES[1], coder="bert")[0] == "barrier.digital"
    project.add_coding(t, start, end, "help", "bert")
    assert "help" not in ranked(project, LINES[1], coder="bert")
    project.unreject_suggestion(t, start, end, "barrier.digital", "anna")
    assert ranked(project, LINES[1], coder="anna")[0] == "barrier.digital"


def test_rejections_are_negative_evidence_for_the_model(project):
    for line in LINES[3:6]:
        code(project, line, "barrier.digital")
    code(project, LINES[0], "barrier.language")
    code(project, LINES[2], "help")
    project.retrain()
    t, start, end = span(project, PROBE)
    before = {s.code: s for s in project.suggest(t, start, end, top=4)}["barrier.digital"]
    t, s2, e2 = span(project, LINES[6])
    project.reject_suggestion(t, s2, e2, "barrier.digital", "anna")
    assert project.retrain() is True  # a rejection changes the training data
    after = {s.code: s for s in project.suggest(t, start, end, top=4)}["barrier.digital"]
    assert after.model < before.model


def test_unknown_code_cannot_be_rejected(project):
    t, start, end = span(project, LINES[1])
    with pytest.raises(CodebookError, match="unknown code 'nope'"):
        project.reject_suggestion(t, start, end, "nope", "anna")


def test_model_is_cached_and_rebuilt_when_codings_change(project):
    code(project, LINES[0], "barrier.language")
    code(project, LINES[1], "barrier.digital")
    assert project.retrain() is True
    assert project.retrain() is False  # same codings: nothing to do
    cache = project.root / ".codebook" / "suggest"
    first = sorted(p.name for p in cache.glob("model-*.joblib"))
    assert len(first) == 1
    reopened = Project.open(project.root)
    assert reopened.suggester.model is not None  # loaded from the cache, not refitted
    assert reopened.retrain() is False
    reopened.close()
    code(project, LINES[2], "help")
    assert project.retrain() is True
    second = sorted(p.name for p in cache.glob("model-*.joblib"))
    assert len(second) == 1 and second != first


def test_retraining_in_a_background_thread_while_suggesting(project):
    code(project, LINES[0], "barrier.language")
    code(project, LINES[1], "barrier.digital")
    project.retrain()
    errors: list[BaseException] = []

    def train():
        try:
            for line, code_id in zip(LINES[3:7], ["barrier.digital"] * 4, strict=True):
                code(project, line, code_id)
                project.retrain()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    worker = threading.Thread(target=train)
    worker.start()
    t, start, end = span(project, PROBE)
    seen = 0
    while worker.is_alive() or seen < 20:
        assert project.suggest(t, start, end, top=3)
        seen += 1
    worker.join()
    assert not errors
    assert project.suggest(t, start, end, top=1)[0].code == "barrier.digital"


def test_active_learning_queue(project):
    code(project, LINES[0], "barrier.language")
    queue = project.uncertain_segments(coder="anna")
    assert list(queue["priority"]) == sorted(queue["priority"], reverse=True)
    assert LINES[0] not in set(queue["text"])  # coded by anna: not in her queue
    assert LINES[0] in set(project.uncertain_segments(coder="bert")["text"])
    order = list(queue["text"])
    # a segment without evidence for any code (small talk) comes after one with evidence
    assert order.index("Het weer was mooi.") > order.index(LINES[2])
    assert len(project.uncertain_segments(limit=3)) == 3
    with pytest.raises(CodebookError, match="no transcript named 'nope'"):
        project.uncertain_segments("nope")


def test_queue_prefers_close_calls(project):
    queue = project.uncertain_segments().set_index("text")
    close = LINES[10]  # help and barrier.language both have keywords here
    clear = LINES[1]  # two digital keywords, nothing else
    assert queue.loc[clear, "margin"] > queue.loc[close, "margin"]
    assert queue.loc[close, "priority"] > queue.loc[clear, "priority"]


def test_a_segment_is_read_with_the_same_speakers_neighbours(mini_project, tmp_path):
    text = (
        "I: Hoe gaat het met de post?\n"
        "R: Ik krijg veel brieven van de gemeente. Dat lukt me gewoon niet.\n"
        "I: Dat lukt me gewoon niet?\n"
    )
    mini_project.import_files([write(tmp_path / "post.txt", text)])
    t = mini_project.transcript("post")
    answer = t.text.index("Dat lukt me gewoon niet.")
    found = mini_project.suggest(t, answer, answer + len("Dat lukt me gewoon niet."))
    assert found and found[0].code == "barrier.language"  # 'brieven' in the sentence before
    assert "(some keywords are in the sentence before or after)" in found[0].why
    question = t.text.rindex("Dat lukt me gewoon niet?")
    alone = mini_project.suggest(t, question, question + len("Dat lukt me gewoon niet?"))
    assert "barrier.language" not in {s.code for s in alone}  # another speaker's turn


def test_a_large_project_is_fitted_on_a_weighted_sample():
    from codebook.suggest.data import TrainingData, sample

    labels = [{"common"} for _ in range(900)] + [{"rare"} for _ in range(20)]
    data = TrainingData([f"tekst {i}" for i in range(920)], labels, [("nee", "common")])
    assert sample(data, limit=1000) == (data, [1.0] * 920)  # small enough: all of it
    small, weights = sample(data, limit=320, rare=50)
    assert len(small) == 320 and small.rejected == data.rejected
    assert sum(codes == {"rare"} for codes in small.labels) == 20  # a rare code keeps them all
    kept = {w for w, codes in zip(weights, small.labels, strict=True) if codes == {"rare"}}
    assert kept == {1.0}
    assert sum(weights) == pytest.approx(920)  # the sample stands for every example
    assert sample(data, limit=320, rare=50) == (small, weights)  # the same sample every time
