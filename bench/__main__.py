"""python -m bench measure|http|instructions|cpu|scaling|compare|report ...

bench/run.sh runs the whole thing.
"""

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def setup_django():
    sys.path.insert(0, str(HERE.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trilogo.settings")
    import django

    django.setup()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(dest="action", required=True)
    measure = sub.add_parser("measure", help="in-process timings, queries, EXPLAIN ratios")
    measure.add_argument("--label", required=True)
    measure.add_argument("--iterations", type=int, default=100)
    measure.add_argument("--warmup", type=int, default=10)
    measure.add_argument("--only", nargs="*")
    http = sub.add_parser("http", help="requests/s over HTTP (gunicorn + wrk)")
    http.add_argument("--label", required=True)
    # One sync worker per core: with PostgreSQL on the same cores, a third worker on two
    # cores served about 8 % fewer requests in sessions 10, 11 and 14 (bench/README.md).
    http.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    http.add_argument("--seconds", type=int, default=10)
    http.add_argument("--connections", type=int, default=6)
    http.add_argument("--port", type=int, default=8765)
    http.add_argument("--only", nargs="*")
    instructions = sub.add_parser("instructions", help="instructions per list request (valgrind)")
    instructions.add_argument("--label", required=True)
    instructions.add_argument("--requests", type=int, default=10)
    instructions.add_argument("--only", nargs="*")
    # The ticket page too, for comparing two versions of its code (not in RESULTS.md).
    instructions.add_argument("--page", choices=("list", "detail"), default="list")
    cpu = sub.add_parser("cpu", help="CPU per list request: the Django process and its PostgreSQL backend")
    cpu.add_argument("--label", required=True)
    cpu.add_argument("--requests", type=int, default=500)
    cpu.add_argument("--only", nargs="*")
    scaling = sub.add_parser("scaling", help="list p50 at the smallest and largest scale, in alternation")
    scaling.add_argument("--label", required=True)
    scaling.add_argument("--small", required=True, help="the database kept at the smallest scale")
    scaling.add_argument("--rounds", type=int, default=4)
    scaling.add_argument("--iterations", type=int, default=50)
    scaling.add_argument("--only", nargs="*")
    compare = sub.add_parser("compare", help="measured runs side by side (A/B)")
    compare.add_argument("labels", nargs="+")
    serve = sub.add_parser("serve", help="(for instructions) serve a persona's list or ticket page N times")
    serve.add_argument("key")
    serve.add_argument("count", type=int)
    serve.add_argument("--page", choices=("list", "detail"), default="list")
    sub.add_parser("machine", help="record the machine and PostgreSQL settings for the report")
    report = sub.add_parser("report", help="write bench/RESULTS.md from bench/results/*.json")
    report.add_argument("--labels", nargs="+", required=True)
    report.add_argument("--command", default="bench/run.sh")
    args = parser.parse_args(argv)

    if args.action == "compare":
        from .compare import table

        print(table(args.labels, RESULTS))
        return
    if args.action == "report":
        from .report import write

        write(args.labels, RESULTS, HERE / "RESULTS.md", args.command)
        return
    setup_django()
    if args.action == "machine":
        from .report import machine_info

        machine_info(RESULTS)
    elif args.action == "instructions":
        from .instructions import run

        name = f"{args.label}-instructions{'' if args.page == 'list' else '-' + args.page}.json"
        run(args.label, RESULTS / name, args.requests, args.only, args.page)
    elif args.action == "cpu":
        from .cpu import run

        run(args.label, RESULTS / f"{args.label}-cpu.json", args.requests, args.only)
    elif args.action == "scaling":
        from .scaling import run

        run(
            args.label,
            RESULTS / f"{args.label}-scaling.json",
            args.small,
            args.rounds,
            args.iterations,
            only=args.only,
        )
    elif args.action == "serve":
        from .instructions import serve

        serve(args.key, args.count, args.page)
    elif args.action == "measure":
        from .measure import run

        run(args.label, RESULTS / f"{args.label}.json", args.iterations, args.warmup, args.only)
    else:
        from .http import run

        run(
            args.label,
            RESULTS / f"{args.label}-http.json",
            args.workers,
            args.seconds,
            args.connections,
            args.port,
            args.only,
        )


if __name__ == "__main__":
    main()
