"""spaCy pipelines for Dutch and English, built offline from `spacy.blank` and our components."""

from codebook.nlp.pipeline import LANGUAGES, lemmas, pipeline

__all__ = ["LANGUAGES", "lemmas", "pipeline"]
