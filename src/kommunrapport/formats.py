"""The output formats a build can write (a module of its own so the command line can name them
without importing the pipeline)."""

FORMATS: tuple[str, ...] = ("docx", "html", "pdf")
