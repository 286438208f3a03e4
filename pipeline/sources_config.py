"""The optional `sources.toml` of an input folder: what curators know of each file.

    ["profiles/jane.txt"]
    owner_name = "Jane Doe"
    site = "example-profiles"
    url = "https://example.org/jane"
    scraped_at = 2024-05-01

Keys are paths relative to the folder the file is in: the input folder, or any
folder under it (a folder a site's pages came in, with what is known of them).
What it says is authoritative: it overrides the owner read from a page header,
and `scraped_at` gives the year to dates shown without one.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConfigError

FILE_NAME = "sources.toml"
FIELDS = frozenset({"owner_name", "site", "url", "scraped_at"})


@dataclass(frozen=True)
class SourceInfo:
    owner_name: str | None = None
    site: str | None = None
    url: str | None = None
    scraped_at: dt.date | None = None


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise ConfigError(f"{where}: scraped_at must be a date like 2024-05-01, got {value!r}")


def load_sources_config(input_dir: Path) -> dict[str, SourceInfo]:
    """Every `sources.toml` under `input_dir`, keyed by path from `input_dir`; none
    means no declarations. A file declared by two of them is a configuration error."""
    config: dict[str, SourceInfo] = {}
    declared_in: dict[str, Path] = {}
    for path in sorted(input_dir.rglob(FILE_NAME)):
        folder = path.parent.relative_to(input_dir)
        if any(part.startswith(".") for part in folder.parts) or not path.is_file():
            continue
        for key, info in _read(path).items():
            rel = (folder / key).as_posix()
            if rel in config:
                raise ConfigError(f"{path}: {rel!r} is declared in {declared_in[rel]} too")
            config[rel], declared_in[rel] = info, path
    return config


def _read(path: Path) -> dict[str, SourceInfo]:
    """One `sources.toml`, keyed by path from its folder."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    config: dict[str, SourceInfo] = {}
    for key, table in data.items():
        where = f"{path} [{key!r}]"
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: expected a table of {sorted(FIELDS)}")
        unknown = set(table) - FIELDS
        if unknown:
            raise ConfigError(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(FIELDS)}")
        for name in ("owner_name", "site", "url"):
            if name in table and not isinstance(table[name], str):
                raise ConfigError(f"{where}: {name} must be a string")
        scraped = table.get("scraped_at")
        config[Path(key).as_posix()] = SourceInfo(
            owner_name=table.get("owner_name"),
            site=table.get("site"),
            url=table.get("url"),
            scraped_at=_date(scraped, where) if scraped is not None else None,
        )
    return config
