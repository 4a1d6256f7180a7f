from datetime import date

import pytest

from lms.normalize import InvalidValue, display_phone, fold, normalize_phone, parse_date


@pytest.mark.parametrize(
    "raw",
    ["0912 345 678", "0912345678", "+84912345678", "84912345678", "0912.345.678",
     "(+84) 912-345-678", "912345678", "0084912345678", "912345678.0"],
)
def test_phone_spellings_normalise_to_one_form(raw):
    assert normalize_phone(raw) == "+84912345678"


def test_landline_is_accepted():
    assert normalize_phone("0226 3852 111") == "+842263852111"


@pytest.mark.parametrize("raw", ["", "12345", "0112345678", "091234567a", "+1 202 555 0100", None])
def test_bad_phones_are_refused(raw):
    with pytest.raises(InvalidValue):
        normalize_phone(raw)


def test_display_phone():
    assert display_phone("+84912345678") == "0912 345 678"


def test_fold_ignores_diacritics_and_case():
    assert fold("  Nguyễn   Văn Ánh ") == "nguyen van anh"
    assert fold("ĐẶNG THỊ ĐÀO") == "dang thi dao"
    # Decomposed input (NFD) folds the same as composed
    import unicodedata

    assert fold(unicodedata.normalize("NFD", "Lò Văn Thành")) == "lo van thanh"


@pytest.mark.parametrize(
    "raw,expected",
    [("10/04/2026", date(2026, 4, 10)), ("1/2/2025", date(2025, 2, 1)),
     ("2026-04-10", date(2026, 4, 10)), ("10-04-2026", date(2026, 4, 10)), ("", None)],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2026", "2026/13/01", "hôm qua"])
def test_parse_date_refuses_nonsense(raw):
    with pytest.raises(InvalidValue):
        parse_date(raw)
