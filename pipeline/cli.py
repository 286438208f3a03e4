"""The `bylines` command: parses arguments, sets up logging, calls `pipeline.api`.

Exit codes: 0 published; 1 blocked (nothing published, previous output kept);
2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

from pipeline import __version__, api
from pipeline.errors import BylinesError
from pipeline.extract import MAX_PAGE_BYTES

log = logging.getLogger("bylines")

RUN_HELP = """\
Read every file under --input (scraped pages in any known shape, CSV/Parquet/JSON
bibliographic tables, and an optional sources.toml), and publish Parquet tables
and run.json to --out. The previous output is replaced atomically, and only when
the run succeeds.

exit codes: 0 published; 1 blocked (--strict saw quarantined input): nothing
published, previous output kept; 2 usage or configuration error."""

INSPECT_HELP = """\
Show how bylines reads single files: the detected shape with every shape's
confidence, the page header, and each entry or quarantined chunk as a JSON line.
Useful when adding a page shape or checking a new site's pages."""


def _progress(files: Iterator[Path], total: int) -> Iterator[Path]:
    """A progress bar on a terminal; plain log lines otherwise."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        yield from tqdm(files, total=total, desc="extract", unit="file", file=sys.stderr)
        return
    step = max(1, total // 10)
    for i, path in enumerate(files, 1):
        if i == total or i % step == 0:
            log.info("extract: %d/%d files", i, total)
        yield path


def _cmd_run(args: argparse.Namespace) -> int:
    if args.max_page_mb <= 0:
        raise BylinesError("--max-page-mb must be positive")
    api.run(
        args.input,
        args.out,
        strict=args.strict,
        progress=_progress,
        argv=sys.argv[1:],
        max_page_bytes=int(args.max_page_mb * 1024 * 1024),
    )
    return 0


def _cmd_inspect(args: argparse.Namespace) -> int:
    from pipeline.extract import detect_format, extract_file

    for path in args.files:
        if not path.is_file():
            raise BylinesError(f"{path}: no such file")
        result = extract_file(path, path.name, None)
        text = path.read_bytes().decode("utf-8", errors="replace")
        _, scores = detect_format(text)
        summary = {"file": str(path), "scores": scores, **result.source}
        print(json.dumps(summary, default=str, ensure_ascii=False))
        for row in result.entries:
            print(json.dumps({"entry": row}, default=str, ensure_ascii=False))
        for row in result.quarantine:
            print(json.dumps({"quarantine": row}, default=str, ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bylines",
        description="Scraped author-profile pages to clean, deduplicated, validated tables.",
    )
    parser.add_argument("--version", action="version", version=f"bylines {__version__}")
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="how much to log to stderr (default: INFO)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run the pipeline on a folder and publish the tables",
        description=RUN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "--input", type=Path, default=Path("data/raw"), help="input folder (default: data/raw)"
    )
    run.add_argument(
        "--out", type=Path, default=Path("data/out"), help="output folder (default: data/out)"
    )
    run.add_argument(
        "--strict",
        action="store_true",
        help="treat any quarantined chunk as a failure: exit 1 and publish nothing",
    )
    run.add_argument(
        "--max-page-mb",
        type=float,
        default=MAX_PAGE_BYTES / 1024 / 1024,
        help="quarantine scraped pages larger than this, whole (default: %(default)g MB; "
        "structured tables have no limit)",
    )
    run.set_defaults(func=_cmd_run)

    inspect = sub.add_parser(
        "inspect",
        help="show how single files are read (shape, header, entries)",
        description=INSPECT_HELP,
    )
    inspect.add_argument("files", type=Path, nargs="+", metavar="FILE")
    inspect.set_defaults(func=_cmd_inspect)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, args.log_level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return args.func(args)
    except BylinesError as exc:
        log.error("%s", exc)
        return exc.exit_code
    except KeyboardInterrupt:
        log.error("interrupted: nothing published, previous output kept")
        return 130


if __name__ == "__main__":
    sys.exit(main())
