"""bashlex's parser built from tables kept in the user's cache.

bashlex computes the LALR tables of bash's grammar at every import (0.1 s); advisor.review.shell
keeps the tables its yacc computed in the cache and builds the parser from them at the next import,
when bashlex's grammar and yacc.py are the ones they were computed from, and lets yacc compute them
otherwise. They are not shipped: they derive from bashlex's GPL-licensed grammar. Each case runs in
a fresh process (a process imports bashlex once), with a cache folder of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from helpers.paths import ROOT

SCRIPTS = [
    "while true; do echo $(date) >> /mnt/out; sleep 1; done",
    "until nc -zv rabbitmq 5672; do echo waiting; sleep 2; done;",
    "set -e\nif [ -f /a ]; then exec nginx -g 'daemon off;'; elif false; then :; else cat /b | tee c; fi",
    "f() { sleep 1 & wait; }\nfor x in a b; do f \"$x\" || exit 1; done\nSECRET=`kubectl get x -o name`",
    "(cd /tmp && ls) | grep -v y; case $1 in a) echo a;; esac",
]

# what a process reports of the bashlex it imported: the parser's tables and what it makes of SCRIPTS
REPORT = textwrap.dedent("""
    import json, sys
    parser = sys.modules["bashlex"].parser
    lr = parser.yaccparser
    trees = []
    for script in json.loads(sys.argv[1]):
        try:
            trees.append([node.dump() for node in parser.parse(script)])
        except Exception as error:
            trees.append(repr(error))
    print(json.dumps({
        "action": [[state, list(moves.items())] for state, moves in lr.action.items()],
        "goto": [[state, list(moves.items())] for state, moves in lr.goto.items()],
        "defaulted": sorted(lr.defaulted_states.items()),
        "productions": [[p.name, p.len, p.callable.__name__ if p.callable else None] for p in lr.productions],
        "trees": trees,
    }))
""")


def _bashlex_in_a_process(setup: str, cache=None, pythonpath: str = str(ROOT)) -> dict:
    env = dict(os.environ, PYTHONPATH=pythonpath)
    if cache is not None:
        env.update(XDG_CACHE_HOME=str(cache))
        env.pop("POD_ADVISOR_NO_CACHE", None)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(setup) + REPORT, json.dumps(SCRIPTS)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_first_import_keeps_the_tables_and_the_next_builds_the_parser_its_yacc_builds(tmp_path):
    plain = _bashlex_in_a_process("import bashlex\n")
    first = _bashlex_in_a_process("from advisor.review import shell; shell.import_bashlex()\n", tmp_path)
    kept = _bashlex_in_a_process("""
        from advisor.review import shell
        def refuse(grammar, log, build):
            table = shell.kept_tables(grammar, build)
            assert table is not None, "the first import kept no tables"
            return table
        shell.import_bashlex(refuse)
    """, tmp_path)
    assert first == plain and kept == plain
    assert len(plain["action"]) > 300 and all(isinstance(t, list) for t in plain["trees"][:2])


def test_without_a_cache_the_import_gives_the_parser_a_plain_import_gives(tmp_path):
    plain = _bashlex_in_a_process("import bashlex\n")
    assert _bashlex_in_a_process("import os; os.environ['POD_ADVISOR_NO_CACHE'] = '1'\n"
                                 "from advisor.review import shell; shell.import_bashlex()\n") == plain


def test_another_bashlex_s_yacc_computes_its_tables_as_a_plain_import_does(tmp_path):
    _bashlex_in_a_process("from advisor.review import shell; shell.import_bashlex()\n", tmp_path)
    computed = _bashlex_in_a_process("""
        from advisor.review import shell
        shell.generator_digest = lambda build: "the digest of another yacc.py"
        calls = []
        def count(grammar, log, build):
            calls.append(shell.kept_tables(grammar, build))
            return build(grammar, log)
        shell.import_bashlex(count)
        assert calls == [None], calls
    """, tmp_path)
    assert computed == _bashlex_in_a_process("import bashlex\n")


def test_another_grammar_is_not_given_the_kept_tables(tmp_path):
    _bashlex_in_a_process("from advisor.review import shell; shell.import_bashlex()\n", tmp_path)
    computed = _bashlex_in_a_process("""
        from advisor.review import shell
        shell.grammar_digest = lambda grammar: "the digest of another grammar"
        def refuse_kept(grammar, log, build):
            assert shell.kept_tables(grammar, build) is None
            return build(grammar, log)
        shell.import_bashlex(refuse_kept)
    """, tmp_path)
    assert computed == _bashlex_in_a_process("import bashlex\n")


def test_a_bashlex_without_a_yacc_module_is_imported_as_it_is(tmp_path):
    package = tmp_path / "bashlex"
    package.mkdir()
    (package / "__init__.py").write_text("LAID_OUT = 'otherwise'\n")
    code = ("from advisor.review import shell; bashlex = shell.import_bashlex(); "
            "import sys; print(bashlex.LAID_OUT, sys.modules['bashlex'] is bashlex)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}"))
    assert (done.returncode, done.stdout.split()) == (0, ["otherwise", "True"]), done.stderr
