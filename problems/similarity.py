"""Likely duplicates among problem clues (no Django import).

Two clues about the same unit are likely the same problem when their titles,
normalised (full-width folded, case, spaces and punctuation dropped), share
most of their character bigrams (Jaccard) or read alike as sequences
(difflib's ratio): "某交警中队违规设卡查车" and "某交警中队违规设卡 查车！" are
the same clue typed twice. Chinese has no spaces between words, so characters,
not words, are compared. The caller picks the candidates (same unit, recent);
the result is a warning with links, never a refusal.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

THRESHOLD = 0.6
WINDOW_DAYS = 180  # candidates registered within this many days (chosen by the caller)


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), lower case, only letters and digits (CJK included)."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in ("L", "N"))


def bigrams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    """The larger of bigram Jaccard and difflib ratio of the normalised texts, in [0, 1]."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    ga, gb = bigrams(na), bigrams(nb)
    jaccard = len(ga & gb) / len(ga | gb)
    ratio = difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio()
    return max(jaccard, ratio)


@dataclass(frozen=True)
class Match:
    key: object  # the candidate's id
    title: str
    score: float


def likely_duplicates(
    title: str, candidates: Iterable[tuple[object, str]], *, threshold: float = THRESHOLD, limit: int = 5
) -> list[Match]:
    """Candidates (id, title) at least `threshold` similar to `title`, most similar first."""
    found = []
    for key, other in candidates:
        score = similarity(title, other)
        if score >= threshold:
            found.append(Match(key=key, title=other, score=round(score, 3)))
    found.sort(key=lambda m: (-m.score, str(m.key)))
    return found[:limit]
