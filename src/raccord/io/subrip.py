"""SRT subtitles (numbered cues, ``00:00:01,000 --> 00:00:04,000``), read with the ``srt`` package.

Speakers are found inside cues as in WebVTT (``Name: text``). ``srt`` gives no line numbers, so
each subtitle is matched to its timing line by order to report errors on the right line.
"""

from __future__ import annotations

import srt

from raccord.errors import InputError
from raccord.io.cues import Cue, to_raw
from raccord.io.raw import RawTranscript


def read(text: str, source: str) -> list[RawTranscript]:
    timing_lines = [n for n, line in enumerate(text.splitlines(), start=1) if "-->" in line]
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        bad = len(text) - len(text[exc.expected_start :].lstrip())
        line = text.count("\n", 0, bad) + 1
        raise InputError(
            "malformed SRT subtitle",
            path=source,
            quote=exc.unmatched_content.strip(),
            line=line,
            expected="a number, a line '00:00:01,000 --> 00:00:04,000', then the text",
        ) from None
    except Exception as exc:  # srt raises several types on odd timings
        raise InputError(f"malformed SRT file: {exc}", path=source) from None
    cues = []
    for position, subtitle in enumerate(subtitles):
        line = timing_lines[position] if position < len(timing_lines) else 0
        cues.append(
            Cue(
                subtitle.start.total_seconds(),
                subtitle.end.total_seconds(),
                subtitle.content,
                line,
            )
        )
    return [to_raw(cues, source, "srt")]
