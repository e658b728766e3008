import pytest

from semver import Version, compare


def test_parse_and_print():
    v = Version.parse("1.2.3-rc.1+build.5")
    assert (v.major, v.minor, v.patch) == (1, 2, 3)
    assert v.prerelease == "rc.1"
    assert str(v) == "1.2.3-rc.1+build.5"


def test_rejects_leading_zeros():
    with pytest.raises(ValueError):
        Version.parse("1.02.3")


def test_numeric_fields_compare_as_numbers():
    assert compare("1.10.0", "1.9.0") == 1
    assert compare("2.0.0", "2.0.0") == 0


def test_build_metadata_is_ignored():
    assert compare("1.0.0+a", "1.0.0+b") == 0


def test_prerelease_is_lower_than_release():
    assert compare("1.0.0-alpha", "1.0.0") == -1
    assert compare("1.0.0", "1.0.0-rc.1") == 1


def test_prerelease_identifiers_follow_the_spec():
    ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
               "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"]
    for lower, higher in zip(ordered, ordered[1:]):
        assert compare(lower, higher) == -1, (lower, higher)
