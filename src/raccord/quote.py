"""One way to shorten a quote: at a word's end, never inside a word (a review found « Vous
pense » for « Vous pensez que c'est faisable »), with « … » where words were left out."""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """``text`` on one line, whole when it fits in ``limit`` characters, else its words up to
    the last one that fits, then « … »."""
    said = " ".join(text.split())
    if len(said) <= limit:
        return said
    cut = said[: limit - 1]
    if not said[limit - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"
