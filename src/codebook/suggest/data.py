"""Training examples from a project's store: coded spans with their codes, and rejections."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from codebook.model import Codebook
from codebook.store import Store


@dataclass
class TrainingData:
    texts: list[str] = field(default_factory=list)
    labels: list[set[str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (text, code)

    def __len__(self) -> int:
        return len(self.texts)

    def digest(self, *salt: str) -> str:
        """Identifies a fitted model: changes whenever a coding or rejection changes."""
        h = hashlib.sha256()
        for part in (
            *salt,
            json.dumps([[t, sorted(y)] for t, y in zip(self.texts, self.labels, strict=True)]),
            json.dumps(sorted(self.rejected)),
        ):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()


def codebook_digest(codebook: Codebook) -> str:
    """Changes when anything the prior or the label set depends on changes."""
    codes = [
        [c.id, c.codable, c.label, c.definition, c.include, c.exclude, c.examples, c.keywords]
        for c in codebook.codes.values()
    ]
    return hashlib.sha256(json.dumps(codes, sort_keys=True).encode()).hexdigest()


def training_data(store: Store, coder: str | None = None) -> TrainingData:
    """One example per coded span (the codes of every coder on that exact span together).

    Two coders on one span are one example with both their codes: for suggesting, a code another
    researcher saw in a passage is evidence, not noise. Pass `coder` to learn from one coder only
    (as `codebook evaluate` does). A rejection of a code that someone did apply to the same span
    is dropped: the coding is the stronger statement.
    """
    texts = {t.id: t.text for t in store.transcripts()}
    spans: dict[tuple[int, int, int], set[str]] = {}
    for c in store.codings(coder=coder):
        spans.setdefault((c.transcript_id, c.start, c.end), set()).add(c.code)
    data = TrainingData()
    for (tid, start, end), codes in sorted(spans.items()):
        data.texts.append(texts[tid][start:end])
        data.labels.append(codes)
    for tid, start, end, code, who in sorted(store.rejections()):
        if coder is not None and who != coder:
            continue
        if code in spans.get((tid, start, end), ()):
            continue
        data.rejected.append((texts[tid][start:end], code))
    return data
