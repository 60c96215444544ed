"""The tooling scripts of scripts/ (demo sinks and gateway), loaded by the tests that check them."""

import importlib.util
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def load_tooling_script(name):
    """The module of scripts/<name>.py, or None when this copy of the module ships no scripts/."""
    path = SCRIPTS / f"{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
