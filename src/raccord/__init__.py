"""raccord: detect, understand and repair ruptures of the therapeutic alliance in session transcripts."""

__version__ = "0.1.0"
