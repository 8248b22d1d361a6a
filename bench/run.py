"""Run every benchmark in bench/ (files named bench_*.py), or those named on the command line.

Each benchmark module has `main(argv)` and prints its figures next to a floor measured in the
same run. Usage: `make bench` or `.venv/bin/python bench/run.py import_roster --rows 100000`.
"""

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("-")][:1]
    rest = [a for a in argv if a not in names]
    paths = sorted(HERE.glob("bench_*.py"))
    if names:
        paths = [p for p in paths if p.stem == f"bench_{names[0]}"]
        if not paths:
            known = ", ".join(p.stem[6:] for p in sorted(HERE.glob("bench_*.py")))
            print(f"no benchmark named {names[0]}; have: {known}")
            return 2
    for path in paths:
        print(f"== {path.stem[6:]}", flush=True)
        code = load(path).main(rest)
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main(sys.argv[1:]))
