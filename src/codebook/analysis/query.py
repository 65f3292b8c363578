"""Code queries: which segments carry this code and that one, or this one near that one.

The language of NVivo's, ATLAS.ti's and MAXQDA's Boolean and proximity queries, on code ids:

    cog.basic AND NOT sit.network
    (impl.design OR impl.access) AND cons
    cog.basic.language NEAR/2 sit.network

A code id stands for the segments coded with it or with any code below it (a grouping code
means its whole branch). `NOT` binds tightest, then `NEAR/k`, `AND`, `OR`; parentheses group.
`A NEAR/k B` is every segment of A with a segment of B at most k segments away in the same
transcript, and every segment of B with such an A (`NEAR` alone is `NEAR/1`; `NEAR/0` is the
same segment). Operators may be written in any case. A malformed query raises `QueryError`
with the position of the problem.

Evaluated on the analysis frames (`segments`, `coded`), so a query counts what `stats` counts.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from codebook.model import Codebook, QueryError, segment_number

_WORD = re.compile(r"[^\s()]+")
_NEAR = re.compile(r"near(?:/(.*))?$", re.IGNORECASE)
KEYWORDS = ("and", "or", "not")
MISSING = "(none)"


@dataclass
class Token:
    kind: str  # code | and | or | not | near | open | close | end
    text: str
    pos: int
    k: int = 1


@dataclass
class Node:
    op: str  # code | not | and | or | near
    args: tuple = ()
    code: str = ""
    k: int = 0


def tokens(query: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    while pos < len(query):
        ch = query[pos]
        if ch.isspace():
            pos += 1
            continue
        if ch in "()":
            out.append(Token("open" if ch == "(" else "close", ch, pos))
            pos += 1
            continue
        word = _WORD.match(query, pos).group()
        near = _NEAR.match(word)
        if near:
            k = near.group(1)
            if k is not None and not k.isdigit():
                raise QueryError(query, pos + 5, "NEAR needs a number of segments: NEAR/k")
            out.append(Token("near", word, pos, int(k) if k else 1))
        else:
            kind = word.lower() if word.lower() in KEYWORDS else "code"
            out.append(Token(kind, word, pos))
        pos += len(word)
    out.append(Token("end", "", len(query)))
    return out


class _Parser:
    def __init__(self, query: str, codebook: Codebook):
        self.query, self.codebook = query, codebook
        self.toks = tokens(query)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def fail(self, problem: str, tok: Token | None = None):
        raise QueryError(self.query, (tok or self.tok).pos, problem)

    def take(self) -> Token:
        tok = self.tok
        self.i += 1
        return tok

    def parse(self) -> Node:
        if self.tok.kind == "end":
            self.fail("the query is empty: give a code id")
        node = self.disjunction()
        if self.tok.kind == "close":
            self.fail("')' without a matching '('")
        if self.tok.kind != "end":
            self.fail(f"expected AND, OR or NEAR/k before '{self.tok.text}'")
        return node

    def disjunction(self) -> Node:
        node = self.conjunction()
        while self.tok.kind == "or":
            self.take()
            node = Node("or", (node, self.conjunction()))
        return node

    def conjunction(self) -> Node:
        node = self.proximity()
        while self.tok.kind == "and":
            self.take()
            node = Node("and", (node, self.proximity()))
        return node

    def proximity(self) -> Node:
        node = self.negation()
        while self.tok.kind == "near":
            k = self.take().k
            node = Node("near", (node, self.negation()), k=k)
        return node

    def negation(self) -> Node:
        if self.tok.kind == "not":
            self.take()
            return Node("not", (self.negation(),))
        return self.atom()

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind == "open":
            self.take()
            if self.tok.kind == "close":
                self.fail("empty parentheses: expected a code id")
            node = self.disjunction()
            if self.tok.kind != "close":
                self.fail(f"missing ')' to close the '(' at position {tok.pos + 1}")
            self.take()
            return node
        if tok.kind == "code":
            self.take()
            return Node("code", code=self.known(tok))
        if tok.kind == "end":
            self.fail("the query ends here: expected a code id or '('")
        self.fail(f"expected a code id or '(' but found '{tok.text}'")

    def known(self, tok: Token) -> str:
        codes = self.codebook.codes
        if tok.text in codes:
            return tok.text
        folded = [c for c in codes if c.lower() == tok.text.lower()]
        if len(folded) == 1:
            return folded[0]
        close = difflib.get_close_matches(tok.text, list(codes), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        self.fail(f"unknown code '{tok.text}'{hint}", tok)


def parse(query: str, codebook: Codebook) -> Node:
    """The query as a tree of `Node`s; raises `QueryError` pointing at what is wrong."""
    return _Parser(query, codebook).parse()


def codes_in(node: Node) -> list[str]:
    if node.op == "code":
        return [node.code]
    return [c for arg in node.args for c in codes_in(arg)]


def branch(codebook: Codebook, code: str) -> set[str]:
    """`code` and every code below it."""
    out, todo = set(), [code]
    while todo:
        c = todo.pop()
        out.add(c)
        todo += [child.id for child in codebook.children(c)]
    return out


def evaluate(
    node: Node,
    segments: pd.DataFrame,
    coded: pd.DataFrame,
    codebook: Codebook,
    coder: str | None = None,
) -> np.ndarray:
    """A boolean mask over the rows of `segments`: the segments the query matches."""
    if coder is not None:
        coded = coded[coded["coder"] == coder]
    ids = segments["segment_id"].to_numpy()
    by_code = coded.groupby("code")["segment_id"].unique()
    cache: dict[str, np.ndarray] = {}

    def mask_of(code: str) -> np.ndarray:
        if code not in cache:
            codes = [c for c in branch(codebook, code) if c in by_code.index]
            hits = np.concatenate([by_code[c] for c in codes]) if codes else np.array([], int)
            cache[code] = np.isin(ids, hits)
        return cache[code]

    position = _positions(segments, max(_max_k(node), 0))

    def walk(n: Node) -> np.ndarray:
        if n.op == "code":
            return mask_of(n.code)
        if n.op == "not":
            return ~walk(n.args[0])
        a, b = (walk(arg) for arg in n.args)
        if n.op == "and":
            return a & b
        if n.op == "or":
            return a | b
        return _near(a, b, position, n.k)

    return walk(node)


def _max_k(node: Node) -> int:
    own = node.k if node.op == "near" else 0
    return max([own, *(_max_k(arg) for arg in node.args)])


def _positions(segments: pd.DataFrame, k: int) -> np.ndarray:
    """Segment indexes on one number line, transcripts more than `k` apart from each other."""
    index = segments["index"].to_numpy(dtype=np.int64)
    ordinal = pd.factorize(segments["transcript"])[0].astype(np.int64)
    width = int(index.max(initial=0)) + k + 2
    return ordinal * width + index


def _near(a: np.ndarray, b: np.ndarray, position: np.ndarray, k: int) -> np.ndarray:
    """Rows of `a` with a row of `b` within `k` positions, and rows of `b` with such an `a`."""
    return (a & _within(position[b], position, k)) | (b & _within(position[a], position, k))


def _within(targets: np.ndarray, position: np.ndarray, k: int) -> np.ndarray:
    """Per row: is some `targets` position at most `k` away from the row's position?"""
    if len(targets) == 0:
        return np.zeros(len(position), dtype=bool)
    targets = np.sort(targets)
    after = np.searchsorted(targets, position, side="left")
    nxt = targets[np.minimum(after, len(targets) - 1)]
    prv = targets[np.maximum(after - 1, 0)]
    return (np.abs(nxt - position) <= k) | (np.abs(position - prv) <= k)


def hits(
    segments: pd.DataFrame,
    coded: pd.DataFrame,
    mask: np.ndarray,
    attributes: list[str],
    coder: str | None = None,
) -> pd.DataFrame:
    """One row per matching segment: transcript, segment (its number), speaker, participant
    (when the frames know it), `attributes`, text, the codes on it (of `coder`, or everyone's),
    and start, end and segment_id to find it again."""
    found = segments[mask]
    if coder is not None:
        coded = coded[coded["coder"] == coder]
    order = {c: i for i, c in enumerate(pd.unique(coded["code"]))}
    on = coded[coded["segment_id"].isin(found["segment_id"])]
    codes = on.groupby("segment_id")["code"].agg(
        lambda s: ", ".join(sorted(set(s), key=lambda c: order.get(c, 0)))
    )
    people = ["participant"] if "participant" in found.columns else []
    keep = [a for a in attributes if a in found.columns and a not in people]
    out = pd.DataFrame(
        {
            "transcript": found["transcript"].to_numpy(),
            "segment": segment_number(found["index"].to_numpy()),
            "speaker": found["speaker"].to_numpy(),
            **{c: found[c].to_numpy() for c in people + keep},
            "text": found["text"].to_numpy(),
            "codes": found["segment_id"].map(codes).fillna("").to_numpy(),
            "start": found["start"].to_numpy(),
            "end": found["end"].to_numpy(),
            "segment_id": found["segment_id"].to_numpy(),
        }
    )
    return out


def per_group(segments: pd.DataFrame, mask: np.ndarray, by: str) -> pd.DataFrame:
    """Matching segments per value of `by`: how many, in how many transcripts, and their share
    of the group's segments (groups differ in size)."""
    group = segments[by].astype(object).where(segments[by].notna(), MISSING)
    frame = pd.DataFrame(
        {by: group.to_numpy(), "hit": mask, "transcript": segments["transcript"].to_numpy()}
    )
    sizes = frame.groupby(by, sort=True).agg(
        group_segments=("hit", "size"), group_transcripts=("transcript", "nunique")
    )
    found = (
        frame[frame["hit"]]
        .groupby(by)
        .agg(segments=("hit", "size"), transcripts=("transcript", "nunique"))
    )
    out = sizes.join(found).fillna(0)
    out[["segments", "transcripts"]] = out[["segments", "transcripts"]].astype(int)
    out["share_segments"] = (out["segments"] / out["group_segments"]).round(4)
    out = out.reset_index()
    return out[[by, "segments", "transcripts", "group_segments", "share_segments"]]
