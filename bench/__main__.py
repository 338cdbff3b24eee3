"""`python -m bench` (or `make bench`): runs every benchmark module of this folder."""

import importlib
import pkgutil
from pathlib import Path

for module in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
    if module.name.startswith("_"):
        continue
    importlib.import_module(f"bench.{module.name}").main()
