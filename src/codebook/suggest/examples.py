"""The codebook as training examples: what a code's examples, include criteria and definition say.

With a handful of codings a learner has seen most codes zero or one times. The codebook already
describes every code, so its sentences become weighted positive examples of their code (and
negatives of the others) next to the coded spans: the model is useful from the first coding on,
and the researcher's codings take over as they add up. An exclude clause that points to another
code ("geen eigen computer -> sit.access") is an example of that other code.
"""

from __future__ import annotations

from codebook.model import Codebook
from codebook.suggest.prior import exclude_clauses

EXAMPLE = 1.0  # a quoted example stands for one coded span
INCLUDE = 0.5  # criteria and definitions are written about a code, not in the interviews' words
DEFINITION = 0.5
REDIRECT = 0.5
LABEL = 0.5  # the label with the keywords: the code's vocabulary in one line


def codebook_examples(codebook: Codebook) -> list[tuple[str, str, float]]:
    """(text, code id, weight) for every codable code's examples, criteria and definition."""
    codes = [c for c in codebook.codes.values() if c.codable]
    out: list[tuple[str, str, float]] = []
    for code in codes:
        out += [(e, code.id, EXAMPLE) for e in code.examples if e.strip()]
        if code.include.strip():
            out.append((code.include, code.id, INCLUDE))
        if code.definition.strip():
            out.append((code.definition, code.id, DEFINITION))
        words = [*code.label.values(), *(k.replace("...", " ") for k in code.keywords)]
        out.append((". ".join(words), code.id, LABEL))
    for _, text, targets in exclude_clauses(codes):
        out += [(text, codes[t].id, REDIRECT) for t in targets]
    return out
