"""What every fuzz test shares: its example budget and the contract an input error must keep."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, settings

from filing.errors import InputError


def budget(ci: int) -> settings:
    """`ci` examples in the test suite, where the whole fuzz set must cost seconds; under `make fuzz`
    (HYPOTHESIS_PROFILE=fuzz) `ci` per 100 of the profile's max_examples (20 times as many), so that the cheap tests,
    given most examples in CI, get most there too. Generating a whole deal is slow by design."""
    scale = settings().max_examples / 100 if settings.get_current_profile_name() == "fuzz" else 1
    return settings(max_examples=round(ci * scale),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_located(error: InputError, *files: Path, whole_file: tuple[str, ...] = ()) -> None:
    """Every problem names one of the input files, says something, and points at a line or a field path, unless its
    message starts with one of `whole_file` (a fault of the file as a whole, such as a corrupt workbook)."""
    assert error.problems, "an InputError with no problem in it"
    for problem in error.problems:
        assert problem.file in map(str, files), problem
        assert problem.message.strip(), problem
        assert len(str(problem).splitlines()) == 1, f"a problem spread over lines: {str(problem)!r}"
        if not problem.message.startswith(whole_file):
            assert problem.line is not None or problem.path, f"unlocated problem: {problem}"
        assert str(problem) and problem.as_dict()
