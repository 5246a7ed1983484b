"""Stand-ins for the Pulumi CLI behind the Automation API, run in the processes `gallery apply` spawns.

They are plain functions of this module (a spawned process imports them by name), steered by the environment,
which the processes inherit: GALLERY_TEST_RUNS (a directory: each run writes <stack>.json with its process id and
when it started and ended) and GALLERY_TEST_FAIL (the stacks that fail, comma-separated).
"""

from __future__ import annotations

import json
import os
import pathlib
import time

from gallery.stacks.apply import FAILED, SUCCEEDED, StackJob, StackResult

SECONDS = 0.4  # long enough for runs side by side to overlap measurably


def recorded(job: StackJob) -> StackResult:
    start = time.time()
    time.sleep(SECONDS)
    failing = job.stack in os.environ.get("GALLERY_TEST_FAIL", "").split(",")
    runs = pathlib.Path(os.environ["GALLERY_TEST_RUNS"])
    (runs / f"{job.stack.replace('/', '_')}.json").write_text(
        json.dumps(
            {
                "pid": os.getpid(),
                "start": start,
                "end": time.time(),
                "command": job.command,
                "config": dict(job.config),
                "config_from": job.config_from,
                "work_dir": job.work_dir,
                "refresh": job.refresh,
            }
        )
    )
    if failing:
        return StackResult(job.stack, FAILED, "the stand-in failed", "line 1\nerror: the stand-in failed")
    return StackResult(job.stack, SUCCEEDED, "1 create")


def crashing(job: StackJob) -> StackResult:
    raise RuntimeError(f"{job.stack}: the process broke")
