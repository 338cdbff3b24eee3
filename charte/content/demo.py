"""The catalogue is the same in the demo as everywhere: load it from the files."""

from charte.content.loader import load
from charte.core.demo import Demo


def seed(demo: Demo) -> None:
    report = load()
    demo.say(f"Catalogue: {report}.")
