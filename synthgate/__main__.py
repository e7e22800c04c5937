"""``python -m synthgate``: the same command line as the ``synthgate`` console script."""
from synthgate.flows.cli import app

if __name__ == "__main__":
    app(prog_name="synthgate")
