import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from core.audit import log_action, verify_chain
from core.models import AuditEntry
from tests.conftest import HAS_POSTGRES


@pytest.mark.django_db
def test_chain_verifies_and_reports_the_first_broken_link(capsys):
    entries = [log_action("test.action", data={"n": i}) for i in range(5)]
    call_command("verify_audit_log")
    assert "哈希链无断点" in capsys.readouterr().out
    # Tamper with the third entry behind the application's back.
    if HAS_POSTGRES:
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_change")
            cur.execute("UPDATE core_auditentry SET data = '{\"n\": 99}' WHERE id = %s", [entries[2].pk])
            cur.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_no_change")
    else:
        AuditEntry.objects.filter(pk=entries[2].pk).update(data={"n": 99})
    count, broken = verify_chain()
    assert broken is not None and broken.pk == entries[2].pk
    with pytest.raises(CommandError, match=f"第 {entries[2].pk} 条"):
        call_command("verify_audit_log")


@pytest.mark.django_db
def test_sensitive_values_never_reach_the_log():
    entry = log_action("test.sensitive", data={"password": "x", "id_number": "110101199003074512", "name": "张三"})
    assert entry.data == {"password": "***", "id_number": "***", "name": "张三"}


@pytest.mark.integration
@pytest.mark.django_db
def test_postgres_refuses_update_and_delete_of_audit_rows():
    entry = log_action("test.append_only")
    for sql in ("UPDATE core_auditentry SET action = 'x' WHERE id = %s", "DELETE FROM core_auditentry WHERE id = %s"):
        with pytest.raises(Exception, match="append-only"):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.append_only"
