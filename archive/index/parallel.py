"""An index writer on every core: Whoosh's ``MpWriter``, whose sub-writers (one process each)
analyse the documents handed to them and each write a segment of their own, added to the
index as they are at the commit (``multisegment``: no merge, which would run in one process).

A rebuild uses it: 1.7 times as fast as one writer on two cores (117 against 70 articles a
second, 1,500 of ``bench/search.py``'s). The sub-writers end with the writer's process if it
is killed (see ``archive.children``); their segments, in no commit, are deleted by the next.
"""

from __future__ import annotations

import queue

from whoosh.multiproc import MpWriter, SubWriterTask

from ..children import born_deaf, context, exit_with_parent
from ..models import ClippingsError

# documents per job file handed to a sub-writer (Whoosh's default: 100); few enough that the
# progress of the hand-over follows the writing closely (its queue holds four per process)
BATCH = 50
# the memory of each sub-writer's postings pool before it spills a run to disk, in MB (one
# writer's default is 128; several at once must stay under the import's memory budget)
POOL_MB = 64


_CONTEXT = context()


class _SubWriter(SubWriterTask):  # type: ignore[misc]
    # started as the import's workers are, not as a fork of this process: a fork of a
    # process with threads (the import's pool) can copy a lock another thread holds, and
    # hang on it
    _start_method = _CONTEXT.get_start_method()
    _Popen = staticmethod(_CONTEXT.Process._Popen)

    def start(self) -> None:
        with born_deaf():
            super().start()

    def run(self) -> None:
        exit_with_parent()
        super().run()


class ParallelWriter(MpWriter):  # type: ignore[misc]
    """``MpWriter`` of ``procs`` sub-writers, each of which ends with this process."""

    def __init__(self, ix: object, procs: int, **kwargs: object) -> None:
        sub = {"compound": kwargs.get("compound", True), "limitmb": POOL_MB}
        super().__init__(ix, procs=procs, batchsize=BATCH, subargs=sub, multisegment=True, **kwargs)
        # the queues of the sub-writers' context (Whoosh makes them in the default one)
        self.jobqueue = _CONTEXT.Queue(procs * 4)
        self.resultqueue = _CONTEXT.Queue()

    def _commit(self, mergetype: object, optimize: bool, merge: bool) -> None:
        """Whoosh's multi-segment commit, but one whose sub-writer failed (killed, out of
        memory) fails too, before its segments are listed: Whoosh would commit without
        them, and their documents would be missing from the index unnoticed."""
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        results = []
        for task in self.tasks:
            task.join()
        for _ in self.tasks:
            try:
                results.append(self.resultqueue.get(timeout=5))
            except queue.Empty:
                break
        failed = [task.exitcode for task in self.tasks if task.exitcode != 0]
        if failed or len(results) != len(self.tasks):
            raise ClippingsError(
                f"an index writing process failed (exit status {failed or '?'}); "
                "nothing was committed: run the same command again"
            )
        # (a sub-writer given nothing, at a small commit, wrote an empty segment: left out)
        finalsegments += [segment for _, _, segment in results if segment.doc_count_all()]
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    def cancel(self) -> None:
        """End the sub-writers, then drop what was written. Whoosh's own ``cancel`` only sets
        a flag on its copies of them, in this process: they waited on their queue for good,
        and this process, joining them as it exits, with them (a Ctrl+C in an import hung).
        They ignore SIGTERM (see ``archive.children``); what they wrote no commit lists."""
        for task in self.tasks:
            if task.is_alive():
                task.kill()
        for task in self.tasks:
            task.join(timeout=10)
        super().cancel()

    def _new_task(self) -> _SubWriter:
        task = _SubWriter(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task
