"""Repair: suggestions the therapist can use now, later in the session or next session, and the
meta-communication checker that reviews a draft repair statement against the article's rules.

``suggest(transcript, detection, formulation, attachment=...)`` → ``tuple[Suggestion, ...]``;
``check(text, lang=None, approach=RepairApproach.DIRECT)`` → ``CheckResult``.
"""

from __future__ import annotations

from raccord.repair.checker import CheckResult, RuleResult, check
from raccord.repair.suggest import suggest

__all__ = ["CheckResult", "RuleResult", "check", "suggest"]
