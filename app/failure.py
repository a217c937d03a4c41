"""Every failure of a command or a ribbon job as one sentence: ``xlcell: <what> (<where>): <what to do>``.

The command line prints it on stderr and exits non-zero; a ribbon job shows the same sentence in a message box
(:func:`app.macros.macro`). No traceback reaches a user: ``xlcell --debug COMMAND`` prints it before the sentence.
Expected failures are :class:`~xlcell.errors.XlcellError` (a damaged or locked book, a bad input) and the operating
system's file errors (a folder that cannot be written, a disk that is full); anything else is a bug of xlcell and
says so.
"""
from __future__ import annotations

from xlcell.errors import XlcellError

PREFIX = "xlcell: "

#: exit codes: an expected failure (bad input, unusable file), an interrupted run, an internal error
EXIT_FAILURE = 2
EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 1
#: the reader of standard output left (``xlcell cost | head``): 128 + SIGPIPE, as a shell reports a process it ended
EXIT_BROKEN_PIPE = 141


def failure_text(exc: BaseException) -> str:
    """The one line a user reads for ``exc`` (no line breaks, starts with ``xlcell: ``)."""
    if isinstance(exc, XlcellError):
        text = str(exc)
    elif isinstance(exc, KeyboardInterrupt):
        text = ("interrupted (Ctrl+C): files are written whole, so each output is either as it was or complete; "
                "run the command again")
    elif isinstance(exc, PermissionError):
        text = (f"permission denied ({_where(exc)}): choose a folder you may write to, or close the file if another "
                "program (Excel) has it open")
    elif isinstance(exc, FileNotFoundError):
        text = f"file or folder not found ({_where(exc)}): check the path"
    elif isinstance(exc, OSError):
        text = (f"{(exc.strerror or type(exc).__name__).lower()} ({_where(exc)}): check the disk (free space, a "
                "network folder that is offline) and run the command again")
    elif isinstance(exc, MemoryError):
        text = "out of memory (this computer): close other programs or make the problem smaller, and run it again"
    else:
        detail = str(exc).splitlines()[0][:120] if str(exc) else ""
        text = (f"internal error ({type(exc).__name__}{': ' + detail if detail else ''}): this is a bug in xlcell; "
                "run the command again with `xlcell --debug ...` and report the traceback")
    return PREFIX + " ".join(text.split())


def exit_code(exc: BaseException) -> int:
    """The process exit code for ``exc`` (never 0)."""
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(exc, (XlcellError, OSError, MemoryError)):
        return EXIT_FAILURE
    return EXIT_INTERNAL


def is_internal(exc: BaseException) -> bool:
    """Whether ``exc`` is not an expected failure (a bug: the sentence asks for a report)."""
    return exit_code(exc) == EXIT_INTERNAL


def _where(exc: OSError) -> str:
    return str(exc.filename) if exc.filename is not None else "a file xlcell writes"


__all__ = ["failure_text", "exit_code", "is_internal", "PREFIX"]
