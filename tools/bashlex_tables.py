"""Write advisor/review/bashlex_tables.py: the LALR tables of bashlex's grammar, as its own yacc computes them.

    python tools/bashlex_tables.py          # after a change of the bashlex the project is tested with

bashlex computes these tables at every import (0.1 s); advisor.review.shell builds bashlex's
parser from this file instead, when the grammar bashlex declares and the yacc.py that would
compute them have the digests written here (see shell.import_bashlex). Run in a fresh process:
it imports bashlex itself, letting bashlex's yacc compute the tables as a plain import does.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "advisor" / "review" / "bashlex_tables.py"


def computed() -> tuple[str, str, dict, dict]:
    """(generator digest, grammar digest, action, goto) as bashlex's yacc computes them, before
    bashlex's parser patches its few corrections into them."""
    sys.path.insert(0, str(ROOT))
    from advisor.review import shell

    if "bashlex" in sys.modules:
        raise SystemExit("bashlex is imported already: run this in a fresh process")
    seen = []

    def compute(grammar, log, build):
        table = build(grammar, log)
        seen.append((shell.generator_digest(build), shell.grammar_digest(grammar),
                     {state: dict(moves) for state, moves in table.lr_action.items()},
                     {state: dict(moves) for state, moves in table.lr_goto.items()}))
        return table

    shell.import_bashlex(compute)
    if len(seen) != 1 or seen[0][0] is None:
        raise SystemExit(f"bashlex's yacc was not called once through the hook ({len(seen)} calls), or its "
                         f"source cannot be read: this bashlex is laid out otherwise; nothing written")
    return seen[0]


def _rows(table: dict) -> str:
    return "".join(f"    ({state}, {tuple(moves)!r}, {tuple(moves.values())!r}),\n" for state, moves in table.items())


def main() -> None:
    from importlib.metadata import version

    generator, grammar, action, goto = computed()
    TARGET.write_text(
        f'"""The LALR tables of bashlex {version("bashlex")}\'s grammar, as its bundled ply yacc computes them.\n\n'
        f"Written by tools/bashlex_tables.py; do not edit. advisor.review.shell builds bashlex's parser\n"
        f"from them when bashlex's yacc.py and grammar have these digests, else lets yacc compute them.\n"
        f'"""\n\n'
        f"GENERATOR = {generator!r}  # sha256 of bashlex/yacc.py\n"
        f"GRAMMAR = {grammar!r}  # shell.grammar_digest of the grammar bashlex declares\n\n"
        f"# (state, symbols, moves): a move > 0 shifts to that state, < 0 reduces by that production, 0 accepts\n"
        f"ACTION = (\n{_rows(action)})\n\n"
        f"# (state, nonterminals, the state each goes to)\n"
        f"GOTO = (\n{_rows(goto)})\n",
        encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(action)} states, "
          f"{sum(len(m) for m in action.values())} actions, {sum(len(m) for m in goto.values())} gotos")


if __name__ == "__main__":
    main()
