"""Build hook: the wheel carries kehoach's own data (templates, registries, directive library, examples, schema)
inside the package, as authoring/_data, where authoring/paths.py finds it through importlib.resources."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

# The repository's folders a user's installed kehoach reads; paths.py names the same folders under _data.
DATA = ["templates", "plans/registry", "plans/directives", "plans/examples", "schema"]


class BuildWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the repository's own folders
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "authoring" / "_data"
        for part in DATA:
            shutil.copytree(root / part, target / part, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "~$*", ".~lock*"))


setup(cmdclass={"build_py": BuildWithData})
