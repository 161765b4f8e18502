"""suite.py: what the end-to-end tests share: counting checks, and the
closing "N passed, N failed" line that tests/run.sh adds up.

    sys.path.insert(0, <repo>/tests/tools)
    from suite import check, finish
    check(cond, "what went wrong")   # prints "FAIL what went wrong" when false
    sys.exit(finish())               # prints the closing line, 1 if any failed
"""

passed = failed = 0


def check(cond, what):
    """Count one check; print a FAIL line when it does not hold."""
    global passed, failed
    cond = bool(cond)
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what)
    return cond


def finish():
    """Print the closing line; the exit status for the test."""
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
