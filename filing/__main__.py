"""`python -m filing` runs the command line."""

from filing.cli import app

app(prog_name="filing")
