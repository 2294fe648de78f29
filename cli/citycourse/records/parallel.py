"""Read a large export in a second process while this one matches and stores what it reads.

Validating a million xAPI statements costs about as much as storing them, so on
a machine with two cores the two halves run side by side: a forked child runs
the format's reader and sends its items in batches through a pipe; the parent
(which holds the store's transaction) consumes them. The semantics are the
reader's own: same items, same order, the same RowError (with its line) when a
row is unreadable — the import then stores nothing, as always. Small files, and
platforms without `fork`, are read in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citycourse.records import RowError

MIN_BYTES = 64 * 1024 * 1024  # below this, starting a process costs more than it saves
BATCH = 2000
QUEUED_BATCHES = 32  # read ahead at most ~20 MB of items


def _drain(receive: Any, batches: queue.Queue[bytes | None]) -> None:
    """Move the child's messages from the pipe to a queue (the read releases the GIL); None at the end."""
    try:
        while True:
            batches.put(receive.recv_bytes())
    except (EOFError, OSError):
        batches.put(None)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def worth_it(path: Path, context: dict[str, Any]) -> bool:
    minimum = context.get("parallel_min_bytes", MIN_BYTES)
    try:
        big = path.stat().st_size >= minimum
    except OSError:
        return False
    return big and _cores() >= 2 and "fork" in multiprocessing.get_all_start_methods()


def _child(conn: Any, fmt: str, path: Path, context: dict[str, Any]) -> None:
    import msgspec

    from citycourse.records.detect import reader_for

    send = msgspec.msgpack.Encoder().encode  # items are plain JSON-like values; msgpack is cheaper than pickle
    batch: list[dict[str, Any]] = []
    try:
        for item in reader_for(fmt)(path, context):
            batch.append(item)
            if len(batch) >= BATCH:
                handle = context.get("handle")
                conn.send_bytes(send(["items", batch, getattr(handle, "buffer", handle).tell() if handle else None]))
                batch = []
        conn.send_bytes(send(["items", batch, None]))
        conn.send_bytes(send(["done", context.get("notes", [])]))
    except RowError as exc:
        conn.send_bytes(send(["error", exc.line, exc.message, exc.hint]))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send_bytes(send(["crash", f"{type(exc).__name__}: {exc}"]))
    finally:
        conn.close()


def read_items(fmt: str, path: Path, context: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The items of `path` in format `fmt`, read in a child process when the file is large."""
    from citycourse.records.detect import reader_for

    if not worth_it(path, context):
        yield from reader_for(fmt)(path, context)
        return
    import msgspec

    decode = msgspec.msgpack.Decoder().decode
    mp = multiprocessing.get_context("fork")
    receive, send = mp.Pipe(duplex=False)
    child_context = {k: v for k, v in context.items() if k not in ("handle", "notes")}
    process = mp.Process(target=_child, args=(send, fmt, path, child_context), daemon=True)
    process.start()
    send.close()
    # A pipe holds only 64 KB: without a thread draining it, the child would wait for the
    # parent at every batch and the two would take turns instead of running side by side.
    batches: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED_BATCHES)
    pump = threading.Thread(target=_drain, args=(receive, batches), daemon=True)
    pump.start()
    try:
        while True:
            data = batches.get()
            if data is None:
                raise OSError(f"the process reading {path.name} ended unexpectedly")
            message = decode(data)
            kind = message[0]
            if kind == "items":
                if message[2] is not None:
                    context["position"] = message[2]
                yield from message[1]
            elif kind == "done":
                context.setdefault("notes", []).extend(message[1])
                return
            elif kind == "error":
                raise RowError(message[1], message[2], hint=message[3])
            else:
                raise OSError(f"reading {path.name} failed: {message[1]}")
    finally:
        if process.is_alive():
            process.terminate()
        process.join()
        while pump.is_alive():  # unblock the pump if it waits on a full queue, then let it end
            try:
                batches.get_nowait()
            except queue.Empty:
                pump.join(0.01)
        receive.close()
