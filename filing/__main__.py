"""The `filing` command (`python -m filing` and the installed script)."""

import gc


def main() -> None:
    """Run the command line with the garbage collector set for a short-lived process.

    A command allocates mostly objects that live until it ends: modules, the deal model, the rulebook, the tape's
    frames. Python's default, a collection every 700 allocations, re-scans them again and again while the libraries
    import, and at exit a last collection walks them all once more. On a 1,000,000-row `filing pool` the two cost
    about 0.18 s of 1.5 s (benchmarks/README.md, "Pool at scale"). So young objects are collected every 20,000
    allocations, and what is alive at exit is frozen out of that last collection: the process's memory is returned
    to the system either way, and `filing` closes its files explicitly rather than leaving them to a collector.
    """
    gc.set_threshold(20_000, 10, 10)
    from filing.cli import app

    try:
        app(prog_name="filing")
    finally:
        gc.freeze()


if __name__ == "__main__":
    main()
