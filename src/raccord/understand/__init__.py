"""Understand: the post-session formulation of what happened in the relationship.

``formulate(transcript, detection, notes=())`` returns a ``Formulation``; ``read_notes(path)``
reads the therapist's notes on their own reactions.
"""

from __future__ import annotations

from raccord.understand.formulate import formulate
from raccord.understand.notes import parse_notes, read_notes

__all__ = ["formulate", "parse_notes", "read_notes"]
