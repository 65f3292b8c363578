"""The codebook YAML a REFI-QDA import writes: new codes and attributes added to the project's
file (comments kept), or a new file made from a .qdc; checked like `validate` either way.
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from codebook import codebooks
from codebook.interchange.refi_qda.codes import CodePlan, add_to_yaml, plan_codes, slug
from codebook.interchange.refi_qda.read import RefiProject
from codebook.interchange.refi_qda.result import RefiImportResult
from codebook.model import Codebook, CodebookError


def extended(data, path: Path, plan: CodePlan, attrs: dict[str, list[str]], labels: dict):
    """`data` (the loaded YAML, changed in place) with the new codes and attributes, and the
    codebook it makes; raises CodebookError if that would not be a valid codebook."""
    add_to_yaml(data, plan)
    if attrs:
        if data.get("attributes") is None:
            data["attributes"] = CommentedMap()
        for key, values in attrs.items():
            spec = CommentedMap()
            spec["label"] = CommentedMap(labels[key])
            spec["values"] = CommentedSeq(values)
            data["attributes"][key] = spec
    book, problems = codebooks.parse(data, str(path))
    if problems:
        raise CodebookError(
            "the imported codes would make an invalid codebook:\n" + "\n".join(problems)
        )
    return data, book


def qdc_to_yaml(refi: RefiProject, target: Path, where: str, lang: str = "nl") -> RefiImportResult:
    """A new codebook YAML file from a .qdc, checked like `codebook codebook validate`."""
    codes = refi.codes
    if target.exists():
        raise CodebookError(f"{target}: already exists; choose a new file name")
    book_id = slug(target.stem, "-")
    book = Codebook(codes={}, meta={"id": book_id, "language": lang})
    plan = plan_codes(codes, book, {}, set(), {}, where)
    if not plan.added:
        raise CodebookError(f"{where}: the codebook has no codes")
    data = CommentedMap()
    data["codebook"] = CommentedMap(
        id=book_id,
        title=CommentedMap({lang: target.stem}),
        version=1,
        language=lang,
        source=f"imported from {Path(where).name}",
    )
    add_to_yaml(data, plan)
    _, problems = codebooks.parse(data, str(target))
    if problems:
        raise CodebookError("the imported codes make an invalid codebook:\n" + "\n".join(problems))
    target.parent.mkdir(parents=True, exist_ok=True)
    codebooks.write_yaml(target, data)
    return RefiImportResult(codes_added=plan.added, warnings=refi.warnings + plan.warnings)
