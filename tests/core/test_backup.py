"""Backups (item 8): `backup` / `restore` round trips; restoring into a fresh PostgreSQL database keeps
the audit hash chain intact; a tampered backup is refused."""
import json
import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from core.audit import log_action
from core.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]


def _only_dir(parent: Path) -> Path:
    [backup] = [p for p in parent.iterdir() if p.is_dir()]
    return backup


def _run(args, env, timeout=300):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_postgres_database_with_an_unbroken_audit_chain(tmp_path):
    import psycopg2

    for i in range(5):
        log_action("test.backup", data={"n": i, "名称": "质量奖"})
    default_storage.save("materials/自评报告.pdf", ContentFile(b"%PDF-1.7 backup me"))
    out = StringIO()
    call_command("backup", out=str(tmp_path / "backups"), stdout=out)
    backup = _only_dir(tmp_path / "backups")
    assert f"备份完成：{backup}" in out.getvalue()
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    count = AuditEntry.objects.count()
    last = AuditEntry.objects.order_by("-id").first()
    assert manifest["database"]["vendor"] == "postgresql" and manifest["database"]["file"] == "database.dump"
    assert (backup / "database.dump").read_bytes()[:5] == b"PGDMP"
    assert manifest["audit"] == {"count": count, "last_id": last.pk, "last_hash": last.hash}
    assert manifest["media"]["files"] == 1
    assert oct((backup / "database.dump").stat().st_mode & 0o777) == "0o600"

    db = settings.DATABASES["default"]
    fresh = f"restored_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"] or None,
                             dbname=db["NAME"])
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{fresh}"')
    try:
        env = dict(os.environ, DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{fresh}",
                   MEDIA_ROOT=str(tmp_path / "restored-media"), VAR_DIR=str(tmp_path / "var"))
        from core import pagecache

        epoch = pagecache._redis().hget(pagecache._versions_key(), pagecache.EPOCH) if pagecache.shared() else None
        restored = _run(["restore", "--from", str(backup), "--noinput"], env)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        if pagecache.shared():  # the restore wrote past Django: every cached logged-in page is stale
            assert pagecache._redis().hget(pagecache._versions_key(), pagecache.EPOCH) != epoch
        assert f"审计日志完整：{count} 条记录，哈希链无断点。" in restored.stdout
        verified = _run(["verify_audit_log"], env)
        assert verified.returncode == 0, verified.stderr
        assert verified.stdout.strip().endswith(f"审计日志完整：{count} 条记录，哈希链无断点。")
        assert (tmp_path / "restored-media" / "materials" / "自评报告.pdf").read_bytes() == b"%PDF-1.7 backup me"
        check = psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"] or None,
                                 dbname=fresh)
        with check, check.cursor() as cur:
            cur.execute("SELECT hash FROM core_auditentry ORDER BY id DESC LIMIT 1")
            assert cur.fetchone()[0] == last.hash
            # The append-only trigger came back with the restore.
            cur.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'core_auditentry_no_change'")
            assert cur.fetchone()[0] == 1
        check.close()
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()


@pytest.mark.django_db
def test_a_tampered_backup_is_refused(tmp_path):
    log_action("test.backup")
    call_command("backup", out=str(tmp_path / "b"), stdout=StringIO())
    backup = _only_dir(tmp_path / "b")
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    db_file = backup / manifest["database"]["file"]
    data = bytearray(db_file.read_bytes())
    data[-1] ^= 0xFF
    db_file.write_bytes(bytes(data))
    with pytest.raises(CommandError, match=f"备份文件 {manifest['database']['file']} 缺失或校验值不符，拒绝恢复。"):
        call_command("restore", "--from", str(backup), "--noinput", stdout=StringIO())
    with pytest.raises(CommandError, match="不是备份目录"):
        call_command("restore", "--from", str(tmp_path), "--noinput", stdout=StringIO())


def test_sqlite_backup_and_restore_for_make_run(tmp_path):
    """The `make run` shape: SQLite file + local media, backed up and restored into another file."""
    base = dict(os.environ, VAR_DIR=str(tmp_path / "var"), MEDIA_ROOT=str(tmp_path / "media"))
    base.pop("DATABASE_URL", None)
    source = dict(base, DATABASE_URL=f"sqlite:///{tmp_path / 'live.sqlite3'}")
    assert _run(["migrate", "--noinput", "-v", "0"], source).returncode == 0
    seed = ("from core.audit import log_action\n"
            "from django.core.files.storage import default_storage\nfrom django.core.files.base import ContentFile\n"
            "[log_action('test.sqlite', data={'n': i}) for i in range(3)]\n"
            "default_storage.save('a/b.png', ContentFile(b'png-bytes'))\n")
    assert _run(["shell", "-c", seed], source).returncode == 0
    made = _run(["backup", "--out", str(tmp_path / "backups")], source)
    assert made.returncode == 0, made.stderr
    backup = _only_dir(tmp_path / "backups")
    assert (backup / "database.sqlite3").exists()
    target = dict(base, DATABASE_URL=f"sqlite:///{tmp_path / 'restored.sqlite3'}", MEDIA_ROOT=str(tmp_path / "media2"))
    restored = _run(["restore", "--from", str(backup), "--noinput"], target)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "审计日志完整：3 条记录，哈希链无断点。" in restored.stdout
    assert (tmp_path / "media2" / "a" / "b.png").read_bytes() == b"png-bytes"
