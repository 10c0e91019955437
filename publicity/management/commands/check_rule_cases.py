import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from publicity import rulecases


class Command(BaseCommand):
    help = ("Runs rule cases (规则用例): each case in a world of its own through the product's services. "
            "Exit status 0 when every expectation holds, 1 when one does not, 2 when a file is malformed.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="FILE_OR_DIR", help="case files, or folders of them")
        parser.add_argument("--all", action="store_true", dest="shipped",
                            help="also every case the product ships (jurisdictions/seeds/cases/*.json)")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the results as JSON")

    def handle(self, *args, paths, shipped, as_json, **options):
        if not paths and not shipped:
            raise CommandError("请指定用例文件或目录，或使用 --all 运行产品自带的全部用例。", returncode=2)
        targets = (rulecases.shipped_files() if shipped else []) + [Path(p) for p in paths]
        try:
            cases = rulecases.load(targets)
            report = rulecases.run(cases)
        except rulecases.Malformed as exc:
            raise CommandError(str(exc), returncode=2) from None
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(rulecases.text_report(report))
        if report["failed"]:
            raise CommandError(f"{report['failed']} 个规则用例未通过。", returncode=1)
