"""The `bylines` command: parses arguments, sets up logging, calls `pipeline.api`.

Exit codes: 0 published; 1 blocked (nothing published, previous output kept);
2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from pipeline import __version__, api
from pipeline.errors import BylinesError
from pipeline.extract import MAX_PAGE_BYTES

log = logging.getLogger("bylines")

RUN_HELP = """\
Read every file under --input (scraped pages in any known shape, as text or
HTML; BibTeX, RIS, "Title: ..." listings and reference lists; CSV, Parquet,
Excel, JSON and YAML bibliographic tables; XML exports such as arXiv feeds,
DBLP, PubMed, ORCID and Crossref; CVs as PDF, Word .docx, OpenDocument .odt or RTF;
and an optional sources.toml), and publish Parquet tables and run.json to
--out. The previous output is replaced atomically, and only when the run
succeeds; an --input folder with no files publishes nothing (exit 2).

Every table is checked by the Great Expectations suites in expectations/ first:
an error-severity failure publishes nothing, and the run's report goes to
OUT.failed/report/index.html instead.

exit codes: 0 published; 1 blocked (a validation error, or --strict saw
quarantined input): nothing published, previous output kept; 2 usage,
configuration or file-system error; 3 another run is writing --out (see --wait);
4 out of memory: nothing published, previous output kept."""

LABEL_HELP = """\
Train a matcher by answering its questions. dedupe's active learner shows the
pair of records it is least sure of, side by side with differences marked (no
score, so it cannot sway you). Answer y (same), n (different), u (unsure),
b (undo the last answer) or f (finish). Every answer is saved at once to
training_labels/papers.json or authors.json: stop any time and resume later.
The next `bylines run` retrains on the labels, and treats them as hard
constraints: a pair you call the same is never split, one you call different
is never merged.

With --answer-key PAIRS.csv the key answers instead of you (benchmarks), and
--budget N stops after N new labels.

`bylines label attributions` walks the entries flagged likely_misattributed or
needs_review (worst first) with their evidence, and records your decisions in
training_labels/attributions.csv (page, paper, decision, note): they override
the computed status on every later run and calibrate its thresholds."""

EVALUATE_HELP = """\
Without --answer-key: train each matcher on its labels and report pairwise
precision, recall, F1 and B-cubed F1, cross-validated on the labeled pairs.
With --answer-key PAIRS.csv: score the paper clusters published in OUT against
the key (pairs of matching record_keys)."""

INSPECT_HELP = """\
Show how bylines reads single files: the detected shape with every shape's
confidence, the page header, and each entry or quarantined chunk as a JSON line.
Useful when adding a page shape or checking a new site's pages."""


_JSON_LOGS = False


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(
            {
                "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
                "level": record.levelname,
                "logger": record.name,
                "message": record.getMessage(),
            },
            ensure_ascii=False,
        )


def _progress(files: Iterator[Any], total: int) -> Iterator[Any]:
    """A progress bar on a terminal; plain log lines otherwise."""
    if sys.stderr.isatty() and not _JSON_LOGS:
        from tqdm import tqdm

        yield from tqdm(files, total=total, desc="extract", unit="file", file=sys.stderr)
        return
    step = max(1, total // 10)
    for i, path in enumerate(files, 1):
        if i == total or i % step == 0:
            log.info("extract: %d/%d files", i, total)
        yield path


def _options(args: argparse.Namespace) -> api.Options:
    defaults = api.Options()
    max_mb = getattr(args, "max_page_mb", None)
    if max_mb is not None and max_mb <= 0:
        raise BylinesError("--max-page-mb must be positive")
    return api.Options(
        labels_dir=args.labels or defaults.labels_dir,
        cache_dir=getattr(args, "cache", None) or defaults.cache_dir,
        max_page_bytes=int(max_mb * 1024 * 1024) if max_mb else defaults.max_page_bytes,
        incremental=not getattr(args, "full", False),
        wait=getattr(args, "wait", False),
        num_cores=max(1, getattr(args, "jobs", 1)),
    )


def _cmd_run(args: argparse.Namespace) -> int:
    options = _options(args)
    api.run(
        args.input,
        args.out,
        strict=args.strict,
        progress=_progress,
        argv=sys.argv[1:],
        options=options,
    )
    return 0


def _cmd_review(args: argparse.Namespace) -> int:
    from pipeline.label_session import review_attributions, terminal_reviewer

    if args.answer_key or args.budget:
        raise BylinesError("label attributions is answered in the terminal only")
    options = _options(args)
    items = api.review_items(args.input, options)
    print(
        f"Reviewing attributions on {args.input}: {len(items)} entries flagged or in doubt; "
        f"decisions saved to {options.decisions_path}",
        flush=True,
    )
    made = review_attributions(items, options.decisions_path, terminal_reviewer())
    print(
        "Review over: " + ", ".join(f"{n} {k}" for k, n in made.items()) + ". "
        "The next `bylines run` applies the decisions."
    )
    return 0


def _cmd_label(args: argparse.Namespace) -> int:
    from pipeline.evaluate import read_answer_key
    from pipeline.label_session import Session, answer_key_asker, counts, terminal_asker

    if args.kind == "attributions":
        return _cmd_review(args)

    if args.budget is not None and args.budget < 1:
        raise BylinesError("--budget must be at least 1")
    key = read_answer_key(args.answer_key) if args.answer_key else None
    target = api.label_target(args.kind, args.input, _options(args))
    print(
        f"Labeling {args.kind} on {args.input}: {len(target.records)} records; "
        f"labels so far: {counts(target.labels)}; saved to {target.labels_path}",
        flush=True,
    )
    session = Session(target)
    if key is not None:
        ask = answer_key_asker(key)
    else:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        ask = terminal_asker(target, color)
    summary = session.run(ask, args.budget)
    added = ", ".join(f"{n} {k}" for k, n in summary.added.items())
    ending = " (the learner has no more pairs to ask)" if summary.exhausted else ""
    print(
        f"Session over{ending}: asked {summary.asked}, added {added}, undone {summary.undone}. "
        f"Labels now: {counts(target.labels)} in {target.labels_path}. "
        "The next `bylines run` retrains on them."
    )
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    validation = api.validate_published(args.folder)
    for o in validation.outcomes:
        if not o.success:
            sample = f" e.g. {', '.join(o.sample[:3])}" if o.sample else ""
            print(f"{o.severity.upper():7} {o.label}: {o.why} ({o.unexpected} unexpected){sample}")
    summary = validation.summary()
    print(
        f"{summary['expectations']} expectations: {len(summary['failed_errors'])} error(s), "
        f"{len(summary['failed_warnings'])} warning(s) in {args.folder}"
    )
    return 0 if validation.success else 1


def _cmd_evaluate(args: argparse.Namespace) -> int:
    if args.answer_key:
        report = api.evaluate_output(args.out, args.answer_key)
    else:
        report = api.evaluate_labels(args.input, _options(args))
    print(json.dumps(report, indent=2, sort_keys=True))
    return 0


def _cmd_inspect(args: argparse.Namespace) -> int:
    from pipeline.extract import extract_file, shape_scores

    for path in args.files:
        if not path.is_file():
            raise BylinesError(f"{path}: no such file")
        result = extract_file(path, path.name, None)
        summary = {"file": str(path), "scores": shape_scores(path.read_bytes()), **result.source}
        print(json.dumps(summary, default=str, ensure_ascii=False))
        for row in result.entries:
            print(json.dumps({"entry": row}, default=str, ensure_ascii=False))
        for row in result.quarantine:
            print(json.dumps({"quarantine": row}, default=str, ensure_ascii=False))
    return 0


def _add_input(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input", type=Path, default=Path("data/raw"), help="input folder (default: data/raw)"
    )


def _add_labels(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--labels",
        type=Path,
        help="folder of label files (default: training_labels in the project)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bylines",
        description="Scraped author-profile pages to clean, deduplicated, validated tables.",
    )
    parser.add_argument("--version", action="version", version=f"bylines {__version__}")
    parser.add_argument(
        "--log-format",
        default="text",
        choices=["text", "json"],
        help="log lines on stderr as text or as JSON objects, one a line (for cron and "
        "log collectors; no progress bar)",
    )
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
    _add_input(run)
    run.add_argument(
        "--out", type=Path, default=Path("data/out"), help="output folder (default: data/out)"
    )
    _add_labels(run)
    run.add_argument(
        "--cache",
        type=Path,
        help="cache of trained models and unchanged pages' extraction "
        "(default: .cache in the project)",
    )
    run.add_argument(
        "--full",
        action="store_true",
        help="parse every file again, ignoring the extraction cache",
    )
    run.add_argument(
        "--wait",
        action="store_true",
        help="if another run is writing --out, wait for it instead of exiting with 3",
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
    run.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes for extraction, person scoring and clustering, the persons' cut "
        "and attribution (paper matching, a few seconds, runs in one); default: the "
        "machine's cores, %(default)s; the output is the same for any number",
    )
    run.set_defaults(func=_cmd_run)

    label = sub.add_parser(
        "label",
        help="label pairs the matcher is unsure of, to train it",
        description=LABEL_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    label.add_argument(
        "kind",
        choices=["papers", "authors", "attributions"],
        help="train a matcher (papers, authors) or review flagged entries (attributions)",
    )
    _add_input(label)
    _add_labels(label)
    label.add_argument(
        "--answer-key",
        type=Path,
        help="answer from a CSV of matching pairs (key_a,key_b) instead of the terminal",
    )
    label.add_argument("--budget", type=int, help="stop after this many new labels")
    label.set_defaults(func=_cmd_label)

    evaluate = sub.add_parser(
        "evaluate",
        help="measure matcher quality (cross-validated on labels, or against an answer key)",
        description=EVALUATE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    evaluate.add_argument(
        "out", type=Path, nargs="?", default=Path("data/out"), help="published output folder"
    )
    evaluate.add_argument("--answer-key", type=Path, help="CSV of matching record_key pairs")
    _add_input(evaluate)
    _add_labels(evaluate)
    evaluate.set_defaults(func=_cmd_evaluate)

    check = sub.add_parser(
        "validate",
        help="re-check a published output folder with the expectation suites",
        description="Run every Great Expectations suite in expectations/ on the tables "
        "published in FOLDER, without changing it. Exit 1 if an error-severity "
        "expectation fails.",
    )
    check.add_argument("folder", type=Path, nargs="?", default=Path("data/out"), metavar="FOLDER")
    check.set_defaults(func=_cmd_validate)

    inspect = sub.add_parser(
        "inspect",
        help="show how single files are read (shape, header, entries)",
        description=INSPECT_HELP,
    )
    inspect.add_argument("files", type=Path, nargs="+", metavar="FILE")
    inspect.set_defaults(func=_cmd_inspect)
    return parser


def _fixed_hash_seed(argv: list[str] | None) -> None:
    """Re-run under PYTHONHASHSEED=0: dedupe's blocking learner iterates over sets of
    strings, so the same labels must meet the same hash order to give the same model."""
    if os.environ.get("PYTHONHASHSEED") == "0" or argv is not None:
        return
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    os.execve(sys.executable, [sys.executable, "-m", "pipeline.cli", *sys.argv[1:]], env)


def main(argv: list[str] | None = None) -> int:
    _fixed_hash_seed(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    if args.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=getattr(logging, args.log_level), handlers=[handler], force=True)
    global _JSON_LOGS
    _JSON_LOGS = args.log_format == "json"
    for noisy in ("great_expectations", "py.warnings"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
    try:
        return args.func(args)
    except BylinesError as exc:
        log.error("%s", exc)
        return exc.exit_code
    except OSError as exc:
        log.error("%s: %s", exc.filename or "file system", exc.strerror or exc)
        log.error("nothing published; the previous output is as it was")
        return 2
    except KeyboardInterrupt:
        log.error("interrupted: nothing published, previous output kept")
        return 130
    except MemoryError:
        log.error(
            "out of memory: nothing published, the previous output is as it was; "
            "run on a machine with more memory (the run log's 'peak' per stage shows the growth)"
        )
        return 4
    except BrokenProcessPool as exc:
        log.error(
            "a process of the run was killed (by the system's out-of-memory killer, most "
            "likely: %s): nothing published, the previous output is as it was; run with "
            "--jobs 1 or on a machine with more memory",
            exc,
        )
        return 4


if __name__ == "__main__":
    sys.exit(main())
