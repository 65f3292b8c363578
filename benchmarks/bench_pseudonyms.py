"""How well `--pseudonymise` finds the persons of the sample: deduce against the rules.

python benchmarks/bench_pseudonyms.py [--project DIR]

The truth is tests/data/sample-names.txt (every invented person name in transcripts/). Both ways
of finding names get the whole text of every sample transcript, its speaker labels and the
codebook's role words, as a report would; a candidate (speaker or person) is right when it is a
listed name or made of listed names (`Ilse Bakker`). Also times loading deduce's lists.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from table import Row, clock, note, sized_main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TRUTH = ROOT / "tests" / "data" / "sample-names.txt"


def truth() -> set[str]:
    lines = TRUTH.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def score(candidates: list[str], gold: set[str]) -> tuple[float, float, list[str], list[str]]:
    """Precision, recall, the wrong candidates and the missed names."""
    words = {w for name in gold for w in name.split()}
    right = [c for c in candidates if c in gold or all(w in words for w in c.split())]
    wrong = [c for c in candidates if c not in right]
    found = {w for c in right for w in [c, *c.split()]}
    missed = sorted(g for g in gold if g not in found)
    precision = len(right) / len(candidates) if candidates else 1.0
    return precision, (len(gold) - len(missed)) / len(gold), wrong, missed


def measure(project) -> dict[str, tuple[float, float, list[str], list[str]]]:
    from codebook.interchange.report import pseudonyms

    frames = project.frames(include_interviewer=True)
    texts = {t.name: t.text for t in project.transcripts()}
    speakers = frames["segments"]["speaker"].dropna().unique()
    roles = pseudonyms.role_words(project.codebook)
    gold = truth()
    out = {}
    for engine in pseudonyms.ENGINES:
        found = pseudonyms.detect(
            list(texts.values()), speakers, "nl", roles=roles, sources=texts, engine=engine
        )
        people = found[found["kind"].isin(["speaker", "person"])]["name"].tolist()
        out[engine] = score(people, gold)
    return out


def run(project: str = "") -> list[Row]:
    from codebook import Project

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(project) if project else _sample(Path(tmp))
        with Project.open(root) as opened:
            from codebook.interchange.report import deid

            _, load, cpu = clock(deid.deidentifier)
            results = measure(opened)
    rows = [Row("deduce: load its lists (cached)", measured=f"{load:.1f} s (cpu {cpu:.1f} s)")]
    for engine, (precision, recall, wrong, missed) in results.items():
        note(f"{engine}: wrong {wrong}; missed {missed}")
        rows.append(
            Row(
                f"sample persons found by {engine}: precision / recall",
                measured=f"{precision:.0%} / {recall:.0%}",
            )
        )
    return rows


def _sample(tmp: Path) -> Path:
    """The sample project as `make sample` builds it."""
    from codebook import Project

    samples = ROOT / "transcripts"
    root = tmp / "sample"
    with Project.init(root) as project:
        files = [p for p in sorted(samples.iterdir()) if p.suffix != ".csv"]
        project.import_files(files, attributes_table=samples / "attributes.csv")
        if (samples / "participants.csv").exists():
            project.import_participants(samples / "participants.csv")
        project.import_codings(samples / "sample-codings.csv")
    return root


def main() -> None:
    sized_main(run)


if __name__ == "__main__":
    main()
