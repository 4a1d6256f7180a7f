"""Fixtures of tests/province: the two-province world of tests/two_provinces.py."""

from tests.two_provinces import world  # noqa: F401  (a fixture, found by pytest by name)
