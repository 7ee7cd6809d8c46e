"""The one build step pyproject.toml cannot state: the package's seeds (advisor/system/cache.py ``seed``).

After build_py has laid the package out, the package's own seed builder (advisor/cli/seeds.py) runs in a
fresh process on that very copy and writes advisor/seeds/: what the cache would store on a first run for
the kinds that depend only on pod-advisor's files and its dependencies (the checked knowledge base, the
image catalogue, the engine's network, ...), so that a fresh machine does not build them. In an editable
install (PEP 660) setuptools asks a build step to write what it generates in place, into the source tree
(setuptools.command.build.SubCommand): there advisor/seeds/ is git-ignored and also holds bashlex's parser
tables, which a wheel leaves out (advisor/cli/seeds.py says why). Seeds are an optimisation: when the
builder fails the build goes on, with a warning, and the package builds what it needs on its first run.
"""

from __future__ import annotations

import os
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


class build_py_with_seeds(build_py):  # noqa: N801 - named as setuptools names its commands
    def run(self):
        super().run()
        editable = getattr(self, "editable_mode", False)
        root = HERE if editable else os.path.abspath(self.build_lib)
        argv = [sys.executable, "-B", "-m", "advisor.cli.seeds", os.path.join(root, "advisor", "seeds")]
        if editable:
            argv += ["--kinds", "all"]  # bashlex's tables too: built here, for this machine alone
        # -B and the working folder: the package is imported from the copy being built, and no bytecode is
        # written into it (it would end up in the wheel). The build's environment (pip's isolated one) is kept.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH"))))}
        try:
            done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.SubprocessError) as error:
            self.warn(f"pod-advisor's seeds were not built ({error}); the first run builds what they hold")
            return
        if done.returncode != 0:
            self.warn(f"pod-advisor's seeds were not all built; the first run builds what they lack:\n{done.stderr}")


setup(cmdclass={"build_py": build_py_with_seeds})
