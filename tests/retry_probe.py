"""Job functions for the retry tests (importable by a real rq worker via PYTHONPATH): real jobs of
the product whose first run is stopped at the worst moment, as a dying worker would stop it."""
import os
import signal
import time
from pathlib import Path

from finsam_saas.extensions import db


def import_outcomes_then_hang(job, path: str, filename: str, marker: str) -> dict:
    """The insatser outcome import; its first run writes every row (flushed, not committed), says
    so in `marker` and waits there to be killed with its worker."""
    from finsam_saas.insatser.jobs import import_outcomes

    result = import_outcomes(job, path, filename)
    db.session.flush()
    if job.attempts == 1:
        Path(marker).write_text(str(os.getpid()))
        time.sleep(120)
    return result


def render_notice_then_die(job, meeting_id: int) -> dict:
    """The kallelse PDF job; its first run stores the file, then its work horse is killed before
    the job's end is recorded (out of memory, say)."""
    from finsam_saas.meetings.jobs import render_notice

    result = render_notice(job, meeting_id)
    if job.attempts == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return result
