"""One real stack for the whole fault suite (tests/chaos/harness.py): starting it (migrations
included) takes a minute or more on the 2-core machine, and `make chaos` must stay under 10."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.chaos.harness import Stack, new_stack


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    s = new_stack()
    try:
        s.start()
        yield s
    finally:
        s.stop()
