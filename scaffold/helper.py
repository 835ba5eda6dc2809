"""A second process for the two steps of ``new-model`` that need neither libcst nor each other's results.

A cold ``new-model`` in one process spends about 0.1 s reading transformers' Auto tables and 0.2 s importing,
warming up and running black, beside about 0.5 s of work that needs neither (importing libcst, converting).
``Helper.start()`` launches this module as a process with the parent's interpreter and ``sys.path`` (so it finds
the same transformers, black and scaffold) and returns at once. The process

1. reads the Auto tables (``read_auto_tables``) and sends them;
2. imports black, formats a small snippet (black loads its grammar tables on its first call) and sends the path
   of the black it imported;
3. formats each source the parent sends, with ``formatting.black_or_invalid``, as ``run_black`` does.

So the output is the same bytes as a run in one process. Messages are pickled frames (4-byte length, then the
pickle) over the process's stdin/stdout; a thread in the parent drains the answers, so neither side can block on
a full pipe. Any trouble (the process cannot start, dies, answers late or with something else, found another
transformers or black) makes the parent do the step itself from then on: the helper can make a run faster,
never different and never failed. ``SCAFFOLD_HELPER=0`` turns it off, as does a single core.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scaffold.autotables import AutoTables
    from scaffold.source import InstalledTransformers

ENV_SWITCH = "SCAFFOLD_HELPER"
# How long the parent waits for one answer before it does the step itself (a live helper answers in well
# under a second; this only bounds a stuck one).
TIMEOUT_SECONDS = 30.0
_LENGTH_BYTES = 4


def helper_wanted() -> bool:
    """True unless turned off, or on a single core (where the helper would only compete with its parent)."""
    if os.environ.get(ENV_SWITCH, "") == "0":
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return cores > 1


class Helper:
    """The parent's end. ``auto_tables(installed)`` and ``helper(source, path)`` (a ``formatting.Black``) answer
    from the process when it can, else in this process."""

    def __init__(self, process: subprocess.Popen[bytes] | None) -> None:
        self._process = process
        self._answers: queue.Queue[Any] = queue.Queue()
        self._stage = "tables"  # the next message the process sends: "tables", then "black", then "formatted"
        if process is not None:
            threading.Thread(target=_drain, args=(process.stdout, self._answers), daemon=True).start()

    @classmethod
    def start(cls) -> Helper:
        """Launch the process (this returns at once); unwanted or failing to launch, a helper that does nothing."""
        if not helper_wanted():
            return cls(None)
        bootstrap = f"import sys; sys.path[:] = {sys.path!r}; from scaffold.helper import main; main()"
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", bootstrap],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return cls(None)
        return cls(process)

    def auto_tables(self, installed: InstalledTransformers) -> AutoTables:
        """``read_auto_tables(installed)``, read by the process when it read the same transformers."""
        from scaffold.autotables import read_auto_tables, remember_config_table, tables_from_plain

        answer = self._take("tables") if self._stage == "tables" else None
        if answer is None or answer[0] != str(installed.root):
            return read_auto_tables(installed)
        tables = tables_from_plain(answer[1])
        remember_config_table(installed, tables)  # the converter reads the config table again
        return tables

    def __call__(self, source: str, path: str) -> str:
        from scaffold.formatting import checked_output, run_black

        if self._stage == "tables":
            self._take("tables")  # not asked for
        if self._stage == "black" and not _same_black(self._take("black")):
            self.close()
        if self._process is None or not _send(self._process.stdin, source):
            self.close()
            return run_black(source, path)
        answer = self._take("formatted")
        return checked_output(path, *answer) if answer is not None else run_black(source, path)

    def _take(self, kind: str) -> Any:
        """The payload of the process's next message, which must be of ``kind``; None (and the process stopped)
        when there is no such message."""
        if self._process is None:
            return None
        self._stage = {"tables": "black", "black": "formatted"}.get(kind, kind)
        try:
            message = self._answers.get(timeout=TIMEOUT_SECONDS)
        except queue.Empty:
            message = None
        if not (isinstance(message, tuple) and len(message) == 2 and message[0] == kind):
            self.close()
            return None
        return message[1]

    def close(self) -> None:
        """Stop the process (used or not) and reap it."""
        process, self._process = self._process, None
        if process is None:
            return
        try:
            if process.stdin is not None:
                process.stdin.close()
        except OSError:
            pass
        process.kill()
        process.wait()

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _same_black(origin: Any) -> bool:
    """True when the process imported the black this process would (its output must be ours, byte for byte)."""
    from scaffold.format_cache import black_origin

    return isinstance(origin, str) and black_origin() == origin


def _send(stream: IO[bytes] | None, payload: Any) -> bool:
    """Write one frame; False when the other end is gone."""
    if stream is None:
        return False
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        stream.write(len(data).to_bytes(_LENGTH_BYTES, "big") + data)
        stream.flush()
    except OSError:
        return False
    return True


def _receive(stream: IO[bytes]) -> Any:
    """The next frame's object; EOFError at the end of the stream."""
    header = stream.read(_LENGTH_BYTES)
    if len(header) < _LENGTH_BYTES:
        raise EOFError
    data = stream.read(int.from_bytes(header, "big"))
    return pickle.loads(data)


def _drain(stream: IO[bytes] | None, answers: queue.Queue[Any]) -> None:
    """Move every message of the process into ``answers``, then None at its end (or on a bad frame)."""
    try:
        while stream is not None:
            answers.put(_receive(stream))
    except Exception:  # EOF, a closed pipe, a truncated frame: the parent then does the steps itself
        answers.put(None)


def main() -> None:
    """The process: tables, black, then one formatted answer per request until stdin closes."""
    import gc

    gc.disable()  # short-lived, killed when done: the cyclic collector would only slow it (see cli)
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # nothing a library prints can reach the channel
    requests = sys.stdin.buffer
    _send(channel, ("tables", _auto_tables()))
    _send(channel, ("black", _warm_black()))
    while True:
        try:
            source = _receive(requests)
        except EOFError:
            return
        from scaffold.formatting import black_or_invalid

        _send(channel, ("formatted", black_or_invalid(source)))


def _auto_tables() -> tuple[str, Any] | None:
    """(the transformers root read, its tables as plain data), or None when they cannot be read here."""
    try:
        from scaffold.autotables import read_auto_tables, tables_to_plain
        from scaffold.source import installed_transformers

        installed = installed_transformers()
        return str(installed.root), tables_to_plain(read_auto_tables(installed))
    except Exception:  # the parent reads them itself, and reports what is wrong
        return None


def _warm_black() -> str | None:
    try:
        import black

        from scaffold.formatting import black_or_invalid

        black_or_invalid("def warm_up(a, b):\n    return {'a': a, 'b': [b]}\n")
        return black.__file__
    except Exception:
        return None
