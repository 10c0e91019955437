"""The app's settings plus a bench-only urlconf (a trivial JSON endpoint behind the same middleware)."""
from config.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
