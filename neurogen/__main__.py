"""Command line: ``python -m neurogen cache info|clear``."""
from __future__ import annotations

import argparse
import sys
from .compiled import cache
from .preferences import prefs
from .errors import CacheError


def _human(n: int) -> str:
    """Bytes in binary units, e.g. ``1.5 MiB``."""
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024:
            return f"{n} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


def _cache_info(args: argparse.Namespace) -> int:

    summary = cache.info(int(prefs.cache.max_bytes))
    print(f"cache root: {summary['root']} (format v{summary['format']})")
    print(f"entries:    {summary['entries']}")
    print(f"size:       {_human(summary['bytes'])} of {_human(summary['max_bytes'])}")
    if summary["untrusted"]:
        print(f"UNTRUSTED:  {summary['untrusted']}")
        return 1
    if summary["unusable"]:
        print(f"UNUSABLE:   {summary['unusable']}")
        return 1
    return 0


def _cache_clear(args: argparse.Namespace) -> int:
    removed = cache.clear()
    print(f"removed {removed} cache entr{'y' if removed == 1 else 'ies'} from {cache.cache_root()}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m neurogen")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    cache = commands.add_parser("cache", help="inspect or clear the compiled-build cache")
    actions = cache.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("info", help="show location, entry count and size").set_defaults(run=_cache_info)
    actions.add_parser("clear", help="remove all cached builds").set_defaults(run=_cache_clear)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)  # exits with code 2 and usage on bad input
    try:
        return args.run(args)
    except CacheError as error:  # e.g. the cache path is a file: say so, without a traceback
        print(f"python -m neurogen: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
