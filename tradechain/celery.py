"""The Celery application: tasks live in each app's tasks.py; this is wiring only."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradechain.settings")

app = Celery("tradechain")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
