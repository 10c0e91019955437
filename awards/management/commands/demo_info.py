from django.core.management.base import BaseCommand

from awards import demo as awards_demo
from jurisdictions import demo


class Command(BaseCommand):
    help = "Prints the URLs and demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--base", default="http://127.0.0.1:8000")

    def handle(self, *args, base, **options):
        w = self.stdout.write
        w("")
        w("质量奖 Cycles 已启动 (running):")
        w(f"  网站 Web            {base}/")
        w(f"  健康检查 Health     {base}/healthz")
        w(f"  接口文档 API docs   {base}/api/docs/")
        w(f"  管理后台 Admin      {base}/admin/")
        w(f"演示账户 (demo logins), 密码 password: {demo.DEMO_PASSWORD}")
        for username, display, role, _spec in demo.DEMO_STAFF:
            w(f"  {username:18s} {role:11s} {display}")
        w(f"  {'platform-admin':18s} {'superuser':11s} 平台运维管理员")
        for username, role, display in awards_demo.LOGINS:
            w(f"  {username:18s} {role:11s} {display}")
        w("工作人员登录需动态口令（TOTP）。演示账户的当前口令 (current one-time code for a demo staff login):")
        w("  .venv/bin/python manage.py demo_otp xam-office")
        w("按 Ctrl-C 停止 (Ctrl-C stops web and worker).")
