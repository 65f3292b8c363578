"""What a suggestion is: a code for a span, a score in 0..1 and the reasons behind it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Suggestion:
    code: str
    score: float  # 0..1; the blend of the codebook prior and the learned model
    why: list[str] = field(default_factory=list)  # short reasons, strongest first
    terms: list[tuple[str, float]] = field(default_factory=list)  # term -> weight it added
    example: str | None = None  # the closest coded (or codebook) example
    prior: float = 0.0  # score from the codebook alone
    model: float | None = None  # probability from the learned model (None: not trained)
