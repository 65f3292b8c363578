"""Code suggestions: a codebook prior, a model learned from the codings, and their blend."""

from codebook.suggest.data import TrainingData, training_data
from codebook.suggest.suggester import Suggester
from codebook.suggest.types import Suggestion

__all__ = ["Suggester", "Suggestion", "TrainingData", "training_data"]
