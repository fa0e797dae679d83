"""factcheck: answer questions about CSAM investigations from curated, cited fact-checks."""

__version__ = "0.1.0"


def main() -> None:
    """Console-script entry point: Ctrl-C while the CLI is still importing exits 130 quietly too.

    A plain `ask --json QUESTION` is answered without importing the CLI framework
    (factcheck.quick); everything else runs the full CLI."""
    import sys

    from factcheck.errors import ExitCode  # tiny, stdlib-only

    try:
        from factcheck.quick import run

        code = run(sys.argv[1:])
        if code is not None:
            sys.exit(code)
        from factcheck.cli import main as cli_main
    except KeyboardInterrupt:
        sys.exit(ExitCode.INTERRUPTED)
    cli_main()
