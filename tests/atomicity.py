"""Atomicity of domain functions: when the audit write fails, nothing the action wrote stays.

Every app's test module lists its public domain functions with a call that reaches the audit entry, and
asserts with `assert_atomic` that a failing audit write leaves the database exactly as it was (every
table compared row by row). `public_functions` lists what a module defines, so a test can insist that
every public domain function is in its list.
"""
from __future__ import annotations

import contextlib
import importlib
import inspect
from unittest import mock

import pytest
from django.apps import apps


class AuditWriteFailed(Exception):
    """Raised in place of writing an audit entry."""


def snapshot() -> dict[str, list[str]]:
    """Every row of every table but the audit log (which the failure itself keeps unwritten)."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label in {"core.AuditEntry", "sessions.Session"} or not model._meta.managed:
            continue
        out[model._meta.label] = sorted(repr(row) for row in model._base_manager.values_list())
    return out


@contextlib.contextmanager
def audit_failing():
    from core.models import AuditEntry

    def fail(*args, **kwargs):
        raise AuditWriteFailed("audit log unavailable")

    with mock.patch.object(AuditEntry, "save", fail), mock.patch.object(AuditEntry.objects, "bulk_create", fail):
        yield


def assert_atomic(call) -> None:
    """`call()` must reach its audit entry (else the test proves nothing) and, when that fails, leave every
    table as it was."""
    before = snapshot()
    with audit_failing(), pytest.raises(AuditWriteFailed):
        call()
    after = snapshot()
    changed = sorted(label for label in before if before[label] != after.get(label))
    assert not changed, f"rows changed although the audit write failed: {changed}"


def public_functions(*module_names: str) -> set[str]:
    """'module.function' for every public function a module defines itself (not what it imports)."""
    out = set()
    for name in module_names:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(value):
                continue
            if getattr(value, "__module__", None) == name:
                out.add(f"{name}.{attr}")
    return out
