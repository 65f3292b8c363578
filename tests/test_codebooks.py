import re

import pytest
from conftest import MINI, REFERENCE, run, write

from codebook import codebooks
from codebook.model import Code, CodebookError

DESIGN_TREE = {
    "dsg": None,
    "ind": None,
    "cog": "ind",
    "cog.basic": "cog",
    "cog.basic.language": "cog.basic",
    "cog.basic.numeracy": "cog.basic",
    "cog.basic.digital": "cog.basic",
    "cog.knowledge": "cog",
    "cog.knowledge.domain": "cog.knowledge",
    "cog.knowledge.institutional": "cog.knowledge",
    "cog.traits": "cog",
    "noncog": "ind",
    "noncog.temperament": "noncog",
    "noncog.selfcontrol": "noncog",
    "noncog.beliefs": "noncog",
    "noncog.motivation": "noncog",
    "sit": "ind",
    "sit.network": "sit",
    "sit.circumstances": "sit",
    "sit.access": "sit",
    "sys": None,
    "policy": "sys",
    "policy.content": "policy",
    "policy.assumptions": "policy",
    "policy.agility": "policy",
    "impl": "sys",
    "impl.design": "impl",
    "impl.accessibility": "impl",
    "impl.professional": "impl",
    "bridge": "sys",
    "cons": None,
    "cons.individual": "cons",
    "cons.societal": "cons",
}


def test_reference_codebook_has_the_whole_model_tree():
    book = codebooks.load(REFERENCE)
    assert {c.id: c.parent for c in book.codes.values()} == DESIGN_TREE


def test_reference_codebook_codes_are_complete():
    book = codebooks.load(REFERENCE)
    for code in book.codes.values():
        assert code.label.get("nl") and code.label.get("en"), code.id
        assert code.definition and code.include and code.exclude, code.id
        assert code.examples, code.id
        assert re.match(r"^#[0-9a-fA-F]{6}$", code.color or ""), code.id
    leaves = book.leaves()
    assert len(leaves) == 23
    for leaf in leaves:
        assert len(leaf.keywords) >= 5, leaf.id
        assert leaf.hotkey, leaf.id
        assert all(k == k.lower() for k in leaf.keywords), leaf.id
    groups = [c for c in book.codes.values() if book.children(c.id)]
    assert all(not g.codable for g in groups)


def test_reference_attributes_are_declared():
    book = codebooks.load(REFERENCE)
    groups = set(book.attributes["stakeholder_group"].values)
    assert {
        "ouder",
        "leerkracht",
        "pedagogisch_medewerker",
        "gemeente",
        "wijkteam_okt",
        "uitvoeringsinstantie",
        "intermediair",
        "inkomensverwerver",
    } <= groups
    assert book.attributes["domain"].values == ["opvoeding", "werk_en_inkomen"]
    assert book.attributes["level"].values == ["macro", "meso", "micro", "individu"]
    assert book.attributes["language_background"].values == ["NT1", "NT2", "onbekend"]


def test_neighbours_are_told_apart_in_include_and_exclude():
    book = codebooks.load(REFERENCE)
    assert (
        "bridge" in book.codes["sit.network"].exclude
        or "brug" in book.codes["sit.network"].exclude.lower()
    )
    assert (
        "impl.accessibility" in book.codes["sit.access"].exclude
        or "toegankelijkheid" in book.codes["sit.access"].exclude.lower()
    )


BROKEN = """\
codebook:
  id: broken
attributes:
  domain:
    values: [opvoeding, werk_en_inkomen]
    default: wonen
codes:
  - id: a
    label: {nl: A}
    colour: "#ffffff"
    hotkey: "1"
    children:
      - id: a.x
        label: {nl: X}
        color: "red"
        hotkey: "1"
  - id: a
    label: {nl: Dubbel}
  - id: b
    definition: no label here
  - id: c
    parent: d
    label: {nl: C}
  - id: d
    parent: c
    label: {nl: D}
  - id: e
    parent: nowhere
    label: {nl: E}
"""


def test_validation_reports_each_problem_with_file_and_line(tmp_path):
    path = write(tmp_path / "broken.yaml", BROKEN)
    problems = codebooks.validate(path)
    text = "\n".join(problems)
    expected = [
        (6, "default 'wonen' is not allowed"),
        (10, "unknown key 'colour'"),
        (15, "bad colour 'red'"),
        (16, "duplicate hotkey '1'"),
        (17, "duplicate id 'a'"),
        (19, "missing label"),
        (21, "cycle of parents"),
        (27, "parent 'nowhere'"),
    ]
    for line, message in expected:
        assert any(p.startswith(f"{path}:{line}:") and message in p for p in problems), (
            line,
            message,
            text,
        )


def test_invalid_yaml_names_the_line(tmp_path):
    path = write(tmp_path / "bad.yaml", "codes:\n  - id: a\n    label: [unclosed\n")
    (problem,) = codebooks.validate(path)
    assert problem.startswith(f"{path}:") and "invalid YAML" in problem


def test_yaml_tags_are_refused(tmp_path):
    path = write(
        tmp_path / "tag.yaml", "codes:\n  - id: a\n    label: !!python/object:os.system {nl: x}\n"
    )
    problems = codebooks.validate(path)
    assert any("tag" in p.lower() for p in problems)


def test_cli_validate_exits_1_and_prints_file_line(tmp_path):
    path = write(tmp_path / "broken.yaml", BROKEN)
    proc = run("codebook", "validate", str(path), check=False)
    assert proc.returncode == 1
    assert f"{path}:17: duplicate id 'a'" in proc.stderr
    assert "Traceback" not in proc.stderr
    ok = run("codebook", "validate", str(REFERENCE))
    assert "ok" in ok.stdout


def test_cli_show_prints_the_tree():
    out = run("codebook", "show", "--file", str(REFERENCE)).stdout
    assert "[T] Taalvaardigheid  (cog.basic.language)" in out
    assert "\n      [T]" in out  # nested three levels deep
    en = run("codebook", "show", "--file", str(REFERENCE), "--lang", "en").stdout
    assert "Bridges" in en or "bridges" in en.lower()


def test_add_code_keeps_comments(tmp_path):
    path = write(tmp_path / "cb.yaml", MINI.read_text())
    codebooks.add_code(
        path, Code(id="help.neighbour", label={"nl": "Buren"}, parent="help", keywords=["buurman"])
    )
    text = path.read_text()
    assert "# A small codebook for tests" in text
    book = codebooks.load(path)
    assert book.codes["help.neighbour"].parent == "help"
    with pytest.raises(CodebookError):
        codebooks.add_code(path, Code(id="x", label={"nl": "X"}, parent="missing"))


def test_a_parsed_codebook_is_cached_by_content_and_never_hides_an_error(tmp_path, monkeypatch):
    from codebook.codebooks import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write(tmp_path / "book.yaml", MINI.read_text(encoding="utf-8"))
    first = codebooks.load(path)
    (kept,) = cache.folder().glob("*.json")
    assert codebooks.load(path) == first  # read back from the cache
    # a damaged cache file is parsed anew, and replaced
    kept.write_text("{not json", encoding="utf-8")
    assert codebooks.load(path) == first and kept.read_text(encoding="utf-8").startswith("{")
    # an edit is a new key: the old entry never answers for it
    text = path.read_text(encoding="utf-8")
    write(path, text.replace("codes:", "codes:\n  - {id: extra, label: {nl: Extra}}", 1))
    assert "extra" in codebooks.load(path).codes
    write(path, text + "\nbogus: 1\n")  # an invalid codebook is never cached
    with pytest.raises(CodebookError, match="unknown key 'bogus'"):
        codebooks.load(path)
    with pytest.raises(CodebookError, match="unknown key 'bogus'"):
        codebooks.load(path)
    assert len(list(cache.folder().glob("*.json"))) == 2
