"""Codes of one family (one parent in the codebook) lean towards each other in the ranking, without
displacing the first code and without suggesting a code that has no evidence of its own."""

import numpy as np
from conftest import DATA, MINI, REFERENCE

from codebook import codebooks
from codebook.suggest.suggester import FAMILY, Suggester, lift, siblings


def test_siblings_share_a_parent_and_top_level_codes_are_no_family():
    book = codebooks.load(MINI)
    ids = [c.id for c in book.codes.values() if c.codable]
    family = siblings(book, ids)
    pairs = {(ids[i], ids[j]) for i, j in zip(*np.nonzero(family), strict=True)}
    assert pairs == {
        ("barrier.language", "barrier.digital"),
        ("barrier.digital", "barrier.language"),
    }
    flat = codebooks.load(DATA / "english-codebook.yaml")
    assert not siblings(flat, ["skills.reading", "support.network"]).any()  # other parents
    assert siblings(book, []).shape == (0, 0)


def test_a_code_moves_part_of_the_way_up_to_its_best_sibling():
    book = codebooks.load(MINI)
    ids = [c.id for c in book.codes.values() if c.codable]  # language, digital, help
    family = siblings(book, ids)
    lifted = lift(np.array([[0.9, 0.1, 0.5]]), family)
    assert np.allclose(lifted, [[0.9, 0.1 + FAMILY * 0.8, 0.5]])
    ref = codebooks.load(REFERENCE)
    ref_ids = [c.id for c in ref.codes.values() if c.codable]
    scores = np.random.default_rng(13).random((200, len(ref_ids)))
    lifted = lift(scores, siblings(ref, ref_ids))
    assert (lifted >= scores).all()
    assert (lifted.argmax(axis=1) == scores.argmax(axis=1)).all()  # the first keeps its place
    assert (lifted != scores).any()


def test_the_lift_is_explained_and_alone_is_no_suggestion():
    suggester = Suggester(codebooks.load(MINI))
    alone, weak = suggester.rank(
        [
            "Ik kan die brief niet lezen, de taal is moeilijk.",
            "Ik kan die brief niet lezen, de taal is moeilijk, en de computercursus ook.",
        ]  # fmt: skip
    )
    assert [s.code for s in alone] == ["barrier.language"]  # nothing digital in it
    assert [s.code for s in weak] == ["barrier.language", "barrier.digital"]
    digital = weak[1]
    assert digital.score > digital.prior  # lifted from its own evidence, a compound part
    assert any("its sibling 'barrier.language' scores higher here" in w for w in digital.why)
