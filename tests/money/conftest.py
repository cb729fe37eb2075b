"""The API personas of tests/api, for the money tests."""

from tests.api.conftest import api_as

__all__ = ["api_as"]
