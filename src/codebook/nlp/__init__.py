"""spaCy pipelines for Dutch and English, built offline from `spacy.blank` and our components."""

from codebook.nlp.keywords import Hit, KeywordMatcher
from codebook.nlp.pipeline import LANGUAGES, lemmas, pipeline
from codebook.nlp.text import docs, lemma_string

__all__ = ["LANGUAGES", "Hit", "KeywordMatcher", "docs", "lemma_string", "lemmas", "pipeline"]
