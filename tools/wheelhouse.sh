#!/usr/bin/env bash
# Wheels of pod-advisor, of everything it needs, and of its build backend, in tools/wheelhouse/,
# so that tests can install pod-advisor the way a user's tool does (pre-commit's own
# environment, pip install .) without a package index: PIP_NO_INDEX=1 PIP_FIND_LINKS=tools/wheelhouse.
# Rebuilt only when pyproject.toml changes (the requirements live there).
set -euo pipefail
cd "$(dirname "$0")/.."
out=tools/wheelhouse
stamp="$out/READY"
want="$(sha256sum pyproject.toml | cut -d' ' -f1) $(python -c 'import sys; print(sys.version.split()[0])')"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    exit 0
fi
rm -rf "$out" && mkdir -p "$out"
# The project's wheel and its dependencies', and what pip's build isolation installs to build it.
python -m pip wheel --quiet --wheel-dir "$out" . 'setuptools>=68' wheel
rm -f "$out"/pod_advisor-*.whl  # the tests install pod-advisor from the source they test, never from here
echo "$want" > "$stamp"
