"""A throw-away benchmark database on the configured server, so benchmarks never touch
the demo or production data: created fresh, migrated, and pointed at by Django."""

from __future__ import annotations

import os

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connections

import tradechain.settings as project_settings

ORIGINAL_NAME = str(project_settings.DATABASES["default"]["NAME"])


def _admin_conninfo() -> dict[str, object]:
    db = project_settings.DATABASES["default"]
    return {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"],
            "password": db["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}


def fresh_database(name: str) -> dict[str, str]:
    """(Re)create database `name`, migrate it, switch Django to it; return env for children."""
    connections.close_all()
    with psycopg.connect(**_admin_conninfo()) as conn:  # type: ignore[arg-type]
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name
    connections.close_all()
    call_command("migrate", verbosity=0, interactive=False)
    return {"BENCH_DB_NAME": name}


def follow_parent_database() -> None:
    """In a benchmark child process: use the database the parent created."""
    name = os.environ.get("BENCH_DB_NAME")
    if name:
        settings.DATABASES["default"]["NAME"] = name
        connections["default"].settings_dict["NAME"] = name
        connections.close_all()


def drop_database(name: str) -> None:
    """Drop the benchmark database and point Django back at the project's own."""
    connections.close_all()
    with psycopg.connect(**_admin_conninfo()) as conn:  # type: ignore[arg-type]
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    settings.DATABASES["default"]["NAME"] = ORIGINAL_NAME
    connections["default"].settings_dict["NAME"] = ORIGINAL_NAME
