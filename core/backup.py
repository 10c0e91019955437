"""Backup and restore of the database and the uploaded files (`manage.py backup` / `manage.py restore`).

A backup is one directory `<out>/<YYYYmmdd-HHMMSS>/` holding:

- `database.dump` — `pg_dump --format=custom` on PostgreSQL, or `database.sqlite3` — a consistent copy
  made with SQLite's online backup API;
- `media.tar.gz` — MEDIA_ROOT (local storage; object storage is backed up by the bucket's versioning);
- `manifest.json` — format, time, database vendor, SHA-256 of each file, and the audit chain's length and
  last hash at backup time (restore checks the chain again).

FIELD_ENCRYPTION_KEY and SECRET_KEY are never written into a backup: keep them in the secret store; without
the field key the encrypted columns and trade-secret files of a backup cannot be read.
"""
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from . import clock
from .audit import verify_chain
from .models import AuditEntry

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA_FILE = "media.tar.gz"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _db():
    return settings.DATABASES["default"]


def _pg_major() -> int | None:
    try:
        with connection.cursor() as cur:
            cur.execute("SHOW server_version_num")
            return int(cur.fetchone()[0]) // 10000
    except Exception:
        return None


def pg_tool(name: str) -> str:
    """The client binary matching the server's major version when installed side by side (Debian layout)."""
    major = _pg_major()
    candidates = []
    if major:
        candidates.append(Path(f"/usr/lib/postgresql/{major}/bin/{name}"))
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    for path in candidates:
        if path.exists():
            return str(path)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端工具。")
    return found


def pg_args(db: dict | None = None) -> tuple[list[str], dict]:
    db = db or _db()
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} 失败（退出码 {result.returncode}）：{result.stderr.strip()[-2000:]}")


def _sqlite_copy(source: str, target: str) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def create_backup(out: str | os.PathLike) -> Path:
    stamp = clock.now().astimezone(clock.SHANGHAI).strftime("%Y%m%d-%H%M%S")
    target = Path(out) / stamp
    n = 1
    while target.exists():
        n += 1
        target = Path(out) / f"{stamp}-{n}"
    target.mkdir(parents=True, mode=0o700)
    os.chmod(target, 0o700)
    vendor = connection.vendor
    db = _db()
    if vendor == "postgresql":
        db_file = target / PG_DUMP_FILE
        args, env = pg_args(db)
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(db_file), *args,
              str(db["NAME"])], env)
    elif vendor == "sqlite":
        db_file = target / SQLITE_FILE
        _sqlite_copy(str(db["NAME"]), str(db_file))
    else:
        raise BackupError(f"不支持的数据库类型：{vendor}")
    media_root = Path(settings.MEDIA_ROOT)
    media_file = target / MEDIA_FILE
    media_count = 0
    with tarfile.open(media_file, "w:gz") as tar:
        if media_root.exists():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}", recursive=False)
                    media_count += 1
    last = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(clock.SHANGHAI).isoformat(timespec="seconds"),
        "database": {"vendor": vendor, "name": str(db["NAME"]), "file": db_file.name, "sha256": _sha256(db_file)},
        "media": {"file": media_file.name, "sha256": _sha256(media_file), "files": media_count},
        "audit": {"count": AuditEntry.objects.count(), "last_id": last[0] if last else None,
                  "last_hash": last[1] if last else None},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    for path in target.iterdir():
        os.chmod(path, 0o600)
    return target


def read_manifest(source: str | os.PathLike) -> dict:
    source = Path(source)
    path = source / MANIFEST
    if not path.exists():
        raise BackupError(f"{source} 不是备份目录（缺少 {MANIFEST}）。")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式：{manifest.get('format')}")
    for part in ("database", "media"):
        file = source / manifest[part]["file"]
        if not file.exists() or _sha256(file) != manifest[part]["sha256"]:
            raise BackupError(f"备份文件 {manifest[part]['file']} 缺失或校验值不符，拒绝恢复。")
    return manifest


def _extract_media(archive: Path, media_root: Path) -> int:
    media_root.mkdir(parents=True, exist_ok=True)
    count = 0
    with tarfile.open(archive, "r:gz") as tar:
        members = []
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("media/"):
                continue
            member.name = member.name[len("media/"):]
            members.append(member)
        tar.extractall(media_root, members=members, filter="data")  # "data": no absolute paths, no escapes
        count = len(members)
    return count


def restore_backup(source: str | os.PathLike, *, media: bool = True) -> dict:
    source = Path(source)
    manifest = read_manifest(source)
    vendor = connection.vendor
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(f"备份来自 {manifest['database']['vendor']}，当前数据库是 {vendor}，不能直接恢复。")
    db = _db()
    db_file = source / manifest["database"]["file"]
    connections.close_all()
    if vendor == "postgresql":
        args, env = pg_args(db)
        _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",
              "--single-transaction", *args, "--dbname", str(db["NAME"]), str(db_file)], env)
    else:
        _sqlite_copy(str(db_file), str(db["NAME"]))
    restored_media = _extract_media(source / manifest["media"]["file"], Path(settings.MEDIA_ROOT)) if media else 0
    count, broken = verify_chain()
    return {"manifest": manifest, "audit_count": count, "broken": broken, "media_files": restored_media}
