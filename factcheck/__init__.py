"""factcheck: answer questions about CSAM investigations from curated, cited fact-checks."""

__version__ = "0.1.0"


def main() -> None:
    """Console-script entry point: Ctrl-C while the CLI is still importing exits 130 quietly too."""
    import sys

    from factcheck.errors import ExitCode  # tiny, stdlib-only

    try:
        from factcheck.cli import main as cli_main
    except KeyboardInterrupt:
        sys.exit(ExitCode.INTERRUPTED)
    cli_main()
