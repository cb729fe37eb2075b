"""`manage.py create_api_key`: prints a working key once; refuses users who may not hold one."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from lc.integrations.keys import hash_key
from lc.models import ApiKey
from tests.api.conftest import client_with_key


def test_the_printed_key_works_and_only_its_hash_is_stored(cast: Any) -> None:
    out, err = StringIO(), StringIO()
    call_command("create_api_key", "hhl.treasury", "--name", "ERP", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    key = ApiKey.objects.get(name="ERP")
    assert key.key_hash == hash_key(secret) and secret not in key.key_hash and key.prefix in err.getvalue()
    assert client_with_key(secret).get("/api/v1/credits/").status_code == 200


@pytest.mark.parametrize("username", ["vhb.maker", "nobody"])
def test_users_who_may_not_hold_a_key_get_none(cast: Any, username: str) -> None:
    with pytest.raises(CommandError):
        call_command("create_api_key", username, stdout=StringIO(), stderr=StringIO())
    assert not ApiKey.objects.exists()
