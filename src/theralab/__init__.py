"""TheraLab: simulate, evaluate and guard LLM counselors."""

__version__ = "0.1.0"
