"""Rule cases (规则用例): short dated histories of one award with the outcome its regulation demands at each
step, run through the product's own services (the contract: ../shared/contract/rule-cases.md).

`load(paths)` reads and checks case files (`Malformed` names the file, the case and the key), `run_case`
runs one case in a world of its own that is rolled back when it ends, `run` runs a list, `text_report`
prints one line per case. `manage.py check_rule_cases` is the command over them."""
from .runner import load, plain, run, run_case, shipped_files, text_report
from .schema import Case, Malformed, parse_case, parse_file

__all__ = ["Case", "Malformed", "load", "parse_case", "parse_file", "plain", "run", "run_case", "shipped_files", "text_report"]
