"""The one error type raccord raises on bad input: it names the file, the line, and what was expected."""

from __future__ import annotations


class RaccordError(Exception):
    """A problem the user can fix, reported without a traceback.

    >>> str(RaccordError("no speaker label found", path="s.txt", line=3, expected="'T:' or 'P:'"))
    "s.txt, line 3: no speaker label found (expected 'T:' or 'P:')"

    ``quote`` holds words of the file (a patient's words, in a transcript) that help find the
    fault: they are left out of the message, which schedulers and logs capture, and shown only
    by ``detail(verbose=True)`` (``raccord --verbose``).
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        expected: str | None = None,
        quote: str | None = None,
    ) -> None:
        self.quote = quote
        self.message = message
        self.path = path
        self.line = line
        self.expected = expected
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f", line {self.line}"
            where += ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        tail = f" (expected {self.expected})" if self.expected else ""
        return f"{where}{self.message}{tail}"

    @property
    def reason(self) -> str:
        """The message without the file name (for a report that already names the file)."""
        where = f"line {self.line}: " if self.line is not None else ""
        tail = f" (expected {self.expected})" if self.expected else ""
        return f"{where}{self.message}{tail}"

    def detail(self, verbose: bool = False) -> str:
        """The message, with the quoted words when ``verbose`` (else a hint that they exist)."""
        if self.quote is None:
            return str(self)
        if verbose:
            return f"{self}: {self.quote[:80]!r}"
        return f"{self} [--verbose shows the words]"


class InputError(RaccordError):
    """A transcript or notes file that cannot be read as given."""


class MissingExtraError(RaccordError):
    """An optional dependency is not installed; the message names the extra to install."""


class NotFoundError(RaccordError):
    """A patient, session or item that is not in the current therapist's records (or nowhere):
    the web workspace answers 404, the command line prints the message."""
