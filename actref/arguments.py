"""The argument parser of every `python -m actref` command: a bad value ends in one line and exit status 2.

argparse prints its usage block before an error; a reader who mistyped one value needs the one line that names
it and the valid choices. `Parser` prints only that line, rejects unknown arguments in whichever subcommand got
them (naming that subcommand's options), and the checks below refuse a value before anything runs, so a bad
value never leaves a traceback or a partial file behind.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import NoReturn


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr (`PROG: error: MESSAGE`), with exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(self.fail(message))

    def fail(self, message: str) -> int:
        """Print `PROG: error: MESSAGE` as one line on stderr and return 2, the exit status of a usage error
        (for checks after parsing, so that main() returns its status as it does for other failures)."""
        self._print_message(f"{self.prog}: error: {' '.join(message.split())}\n", sys.stderr)
        return 2

    def parse_known_args(self, args=None, namespace=None):
        # Subparsers call this too: each one refuses its own extras, so the message names its options.
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            word = "argument" if len(extras) == 1 else "arguments"
            self.error(f"unrecognized {word} {' '.join(extras)}; valid options: {self.options() or 'none'}")
        return parsed, extras

    def options(self) -> str:
        """This parser's options, e.g. '--config, --device {cuda,cpu}, --smoke'."""
        out = []
        for action in self._actions:
            if not action.option_strings or isinstance(action, argparse._HelpAction):
                continue
            name = "/".join(action.option_strings)
            out.append(f"{name} {{{','.join(map(str, action.choices))}}}" if action.choices else name)
        return ", ".join(out)


def whole_number(minimum: int, what: str):
    """An argparse type: an int ≥ minimum, refused with a message that names `what` it counts."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a valid {what}; give a whole number ≥ {minimum}"
            )
        return value

    parse.__name__ = what  # argparse names the type in some messages
    return parse


def thread_count(text: str) -> int:
    """An argparse type for --threads: a whole number ≥ 1 (the message says how many cores there are)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a thread count; give a whole number from 1 to {os.cpu_count() or 1} "
            f"(the cores of this machine)"
        )
    return value


def _nearest_existing(path: Path) -> Path:
    for folder in (path, *path.parents):
        if folder.exists():
            return folder
    return Path.cwd()


def _can_write_in(folder: Path) -> str | None:
    """None if a file can be created in the existing `folder`, else why not (nothing is left behind)."""
    if not folder.is_dir():
        return f"{folder} is a file, not a folder"
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return f"{folder} is not writable ({exc.strerror or exc})"
    return None


def writable_folder(text: str) -> Path:
    """An argparse type: a folder that exists and is writable, or that can be made inside a writable one."""
    path = Path(text).expanduser()
    why = _can_write_in(_nearest_existing(path))
    if why:
        raise argparse.ArgumentTypeError(f"cannot write results to {text!r}: {why}; give a writable folder")
    return path


def writable_file(text: str) -> Path:
    """An argparse type: a file path (not a folder) whose folder exists and is writable, or can be made."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise argparse.ArgumentTypeError(
            f"cannot write results to {text!r}: it is a folder; give a file name"
        )
    why = _can_write_in(_nearest_existing(path.parent))
    if why:
        raise argparse.ArgumentTypeError(f"cannot write results to {text!r}: {why}; give a writable path")
    return path
