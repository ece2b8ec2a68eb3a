"""An index writer on every core: Whoosh's ``MpWriter``, whose sub-writers (one process each)
analyse the documents handed to them and each write a segment of their own, added to the
index as they are at the commit (``multisegment``: no merge, which would run in one process).

A rebuild uses it: 1.7 times as fast as one writer on two cores (117 against 70 articles a
second, 1,500 of ``bench/search.py``'s). The sub-writers end with the writer's process if it
is killed (see ``archive.children``); their segments, in no commit, are deleted by the next.
"""

from __future__ import annotations

from whoosh.multiproc import MpWriter, SubWriterTask

from ..children import exit_with_parent

# documents per job file handed to a sub-writer (Whoosh's default: 100); few enough that the
# progress of the hand-over follows the writing closely (its queue holds four per process)
BATCH = 50
# the memory of each sub-writer's postings pool before it spills a run to disk, in MB (one
# writer's default is 128; several at once must stay under the import's memory budget)
POOL_MB = 64


class _SubWriter(SubWriterTask):  # type: ignore[misc]
    def run(self) -> None:
        exit_with_parent()
        super().run()


class ParallelWriter(MpWriter):  # type: ignore[misc]
    """``MpWriter`` of ``procs`` sub-writers, each of which ends with this process."""

    def __init__(self, ix: object, procs: int, **kwargs: object) -> None:
        sub = {"compound": kwargs.get("compound", True), "limitmb": POOL_MB}
        super().__init__(ix, procs=procs, batchsize=BATCH, subargs=sub, multisegment=True, **kwargs)

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
