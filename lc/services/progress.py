"""Work in flight, as the people waiting for it see it: has the rules engine examined a
presentation yet, is it queued or running (the outbox message that asks for it), or did it
give up? Conclusion waits for a run (lc.access.check_conclude_examination)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

import outbox
from lc.models import Presentation, PresentationState
from lc.services.presentations import EXAMINE_TASK


class ExaminationProgress(models.TextChoices):
    NOT_STARTED = "not_started", _("Examination not started (presentation incomplete)")
    QUEUED = "queued", _("Examination queued")
    RUNNING = "running", _("Examination running")
    DONE = "done", _("Examination done")
    FAILED = "failed", _("Examination failed: the rules engine gave up")


def examination_progress(pres: Presentation) -> ExaminationProgress:
    if pres.engine_runs.exists():
        return ExaminationProgress.DONE
    status = outbox.status_of(pres.subject, EXAMINE_TASK)
    if status is None or pres.state == PresentationState.RECEIVED:
        return ExaminationProgress.NOT_STARTED
    # "done" without a run: the presentation left examination before the engine ran.
    return ExaminationProgress(status) if status != "done" else ExaminationProgress.DONE
