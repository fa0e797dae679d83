"""`python -m factcheck` runs the same CLI as the console script."""

from factcheck import main

if __name__ == "__main__":
    main()
