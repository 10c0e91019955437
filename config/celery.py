"""The Celery app and, in one place, the beat schedule.

Without REDIS_URL the broker is kombu's filesystem transport under var/broker, so `make run` needs no
server; with REDIS_URL set the same code uses Redis.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("zlj")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
