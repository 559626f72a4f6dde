"""The seed a run uses when none is given (a module of its own, so that the command line can
name it in `--help` without importing the run machinery)."""

DEFAULT_SEED = 7
