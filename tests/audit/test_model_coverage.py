"""The guard against forgetting: every concrete model is ledgered or marked derived."""

from __future__ import annotations

from django.db import models
from django.test.utils import isolate_apps

from lc import events
from lc.audit.coverage import DERIVED, LEDGERED, concrete_models, unaccounted


def test_every_model_with_a_write_path_is_ledgered_or_marked_derived() -> None:
    assert unaccounted(concrete_models()) == []


def test_every_ledgered_model_names_kinds_of_the_catalogue() -> None:
    kinds = {k for ks in LEDGERED.values() for k in ks}
    assert kinds <= set(events.EVENTS), kinds - set(events.EVENTS)
    assert not set(LEDGERED) & set(DERIVED)


@isolate_apps("lc")
def test_a_new_unledgered_model_is_caught() -> None:
    class Stash(models.Model):  # what a future change might add without a ledger entry
        note = models.TextField()

        class Meta:
            app_label = "lc"

        def __str__(self) -> str:
            return self.note

    assert unaccounted([*concrete_models(), Stash]) == ["lc.Stash"]
