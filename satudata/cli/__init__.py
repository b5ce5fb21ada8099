"""The ``satudata`` command line (Typer + Rich)."""
