"""Across a patient's sessions: implicit prohibitions, open items, trends and alerts.

``build(record)`` is a pure function of the stored sessions (``history.data``); ``store`` reads
them and the CLI renders the result (``history.render``).
"""

from raccord.history.build import History, build

__all__ = ["History", "build"]
