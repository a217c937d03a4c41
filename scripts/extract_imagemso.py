"""Extract Excel control IDs (idMso / imageMso names) from Microsoft's control-identifier workbook.

Source: https://github.com/OfficeDev/office-fluent-ui-command-identifiers (MIT licence),
file "Microsoft 365/Current Channel/excelcontrols.xlsx". The workbook is not committed here;
get it from a checkout of that repository, e.g.

    git --git-dir=<repo.git> show "HEAD:Microsoft 365/Current Channel/excelcontrols.xlsx" > /tmp/excelcontrols.xlsx
    python scripts/extract_imagemso.py /tmp/excelcontrols.xlsx --commit <commit id>

Writes tests/data/excel_control_ids.txt: a few '#' header lines (source, path, commit, licence,
date), then the values of the "Control Name" column, one per line, sorted and unique.
"""
import argparse
import datetime as dt
import sys
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "excel_control_ids.txt"

REPO = "https://github.com/OfficeDev/office-fluent-ui-command-identifiers"
SOURCE_PATH = "Microsoft 365/Current Channel/excelcontrols.xlsx"
COMMIT = "b230a0df45036b2d5e8b49ebf368b3f90ada8d63"
LICENCE = "MIT License, Copyright (c) Microsoft Corporation"
COLUMN = "Control Name"


def read_control_names(xlsx: Path, column: str = COLUMN) -> list[str]:
    """Sorted unique non-empty values of `column` (found by header text in the first row) of every sheet."""
    wb = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
    names: set[str] = set()
    try:
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                continue
            labels = [str(h).strip().lower() if h is not None else "" for h in header]
            if column.lower() not in labels:
                continue
            idx = labels.index(column.lower())
            for row in rows:
                if idx < len(row) and row[idx] is not None:
                    value = str(row[idx]).strip()
                    if value:
                        names.add(value)
    finally:
        wb.close()
    if not names:
        raise SystemExit(f"no column {column!r} found (or it is empty) in {xlsx}")
    return sorted(names)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("xlsx", type=Path, help="path of excelcontrols.xlsx")
    p.add_argument("--commit", default=COMMIT, help="commit of the source repository the file came from")
    p.add_argument("--source-path", default=SOURCE_PATH, help="path of the file inside the source repository")
    p.add_argument("--repo", default=REPO, help="source repository URL")
    p.add_argument("--out", type=Path, default=OUT, help="output text file")
    args = p.parse_args(argv)

    names = read_control_names(args.xlsx)
    header = [
        f"# Excel control IDs (column {COLUMN!r}) from {args.repo}",
        f"# file: {args.source_path} @ commit {args.commit}",
        f"# licence: {LICENCE}",
        f"# extracted {dt.date.today().isoformat()} by scripts/extract_imagemso.py; {len(names)} ids, sorted, unique",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(header + names) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(names)} ids")
    return 0


if __name__ == "__main__":
    sys.exit(main())
