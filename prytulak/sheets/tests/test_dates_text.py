"""Dates as people write them: day first, month names in seven languages, two-digit years,
no year at all, relative words counted from the row's day, and impossible dates refused."""

import datetime

import pytest

from prytulak.sheets.dates_text import DateError, read_date

# A Wednesday in March 2022, when the sheets were filled in.
WEDNESDAY = datetime.date(2022, 3, 9)
D = datetime.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ASAP", WEDNESDAY),
        ("asap!", WEDNESDAY),
        ("od zaraz", WEDNESDAY),
        ("ab sofort", WEDNESDAY),
        ("sofort", WEDNESDAY),
        ("now", WEDNESDAY),
        ("зараз", WEDNESDAY),
        ("сьогодні", WEDNESDAY),
        ("сегодня", WEDNESDAY),
        ("сёння", WEDNESDAY),
        ("dabar", WEDNESDAY),
        ("якомога швидше", WEDNESDAY),
        ("как можно скорее", WEDNESDAY),
        ("as soon as possible", WEDNESDAY),
        ("будь-коли", WEDNESDAY),
        ("завтра", D(2022, 3, 10)),
        ("od jutra", D(2022, 3, 10)),
        ("morgen", D(2022, 3, 10)),
        ("післязавтра", D(2022, 3, 11)),
        ("übermorgen", D(2022, 3, 11)),
        ("вчора", D(2022, 3, 8)),
        ("з понеділка", D(2022, 3, 14)),
        ("с понедельника", D(2022, 3, 14)),
        ("od poniedziałku", D(2022, 3, 14)),
        ("ab Montag", D(2022, 3, 14)),
        ("from Monday", D(2022, 3, 14)),
        ("з пʼятниці", D(2022, 3, 11)),
        ("nuo penktadienio", D(2022, 3, 11)),
        ("у суботу", D(2022, 3, 12)),
    ],
)
def test_relative_words_count_from_the_reference_day(text, expected):
    reading = read_date(text, WEDNESDAY)
    assert reading.date == expected and reading.review is None


def test_the_same_weekday_as_the_reference_is_read_but_marked_for_review():
    reading = read_date("від середи", WEDNESDAY)
    assert reading.date == WEDNESDAY and reading.review is not None


@pytest.mark.parametrize(
    "text",
    [
        "10 березня",  # uk, genitive
        "від 10 березня",
        "березень 10",  # uk, nominative
        "10 марта",  # ru
        "с 10-го марта",
        "10 сакавіка",  # be
        "з 10 сакавіка",
        "10 marca",  # pl
        "od 10 marca",
        "10 marzec",
        "10. März",  # de
        "ab 10. März",
        "March 10",  # en
        "from March 10th",
        "10 Mar",
        "kovo 10 d.",  # lt
        "nuo kovo 10 d.",
        "10.03",
        "10/3",
        "з 10.03",
    ],
)
def test_a_date_in_any_of_our_languages_without_a_year_is_its_next_occurrence(text):
    assert read_date(text, WEDNESDAY).date == D(2022, 3, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05.03.2022", D(2022, 3, 5)),
        ("5/3/22", D(2022, 3, 5)),
        ("05-03-2022", D(2022, 3, 5)),
        ("05.03.22 р.", D(2022, 3, 5)),
        ("2022-03-05", D(2022, 3, 5)),
        ("2022-03-05 14:20:11", D(2022, 3, 5)),
        ("05.03.2022 14:20", D(2022, 3, 5)),
        ("5 березня 2022 р.", D(2022, 3, 5)),
        ("5 марта 2022 года", D(2022, 3, 5)),
        ("5 sakavika 22", None),  # not a month name we know in Latin Belarusian
        ("5 kwietnia 2022", D(2022, 4, 5)),
        ("March 5th, 2022", D(2022, 3, 5)),
        ("5. Dezember 2022", D(2022, 12, 5)),
        ("2022 m. kovo 5 d.", D(2022, 3, 5)),
        ("1 травня", D(2022, 5, 1)),
        ("1 траўня", D(2022, 5, 1)),
        ("31 grudnia", D(2022, 12, 31)),
        ("15 października", D(2022, 10, 15)),
        ("15 кастрычніка", D(2022, 10, 15)),
        ("15 rugsėjo", D(2022, 9, 15)),
    ],
)
def test_day_first_two_digit_years_and_month_names(text, expected):
    if expected is None:
        with pytest.raises(DateError):
            read_date(text, WEDNESDAY)
    else:
        assert read_date(text, WEDNESDAY).date == expected


def test_a_date_without_a_year_uploaded_in_november_is_next_years():
    november = D(2022, 11, 20)
    assert read_date("03.01", november).date == D(2023, 1, 3)
    assert read_date("3 січня", november).date == D(2023, 1, 3)
    # …but one a few days before the upload is this year's, not next year's.
    assert read_date("15.11", november).date == D(2022, 11, 15)
    # 29 February: the next year that has one.
    assert read_date("29.02", november).date == D(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31.02.2022", "there is no day 31 in that month"),
        ("31.02", "there is no day 31 in that month"),
        ("30 лютого", "there is no day 30 in that month"),
        ("31 kwietnia", "there is no day 31 in that month"),
        ("13.13.2022", "there is no month 13"),
        ("03/15/2022", "there is no month 15"),
        ("2022-02-30", "there is no day 30 in that month"),
        ("після Великодня", "not a date we can read"),
        ("soon", "not a date we can read"),
        ("10 березня або 12 квітня", "not a date we can read"),
        ("", "not a date we can read"),
    ],
)
def test_impossible_and_unreadable_dates_are_refused_with_the_reason(text, reason):
    with pytest.raises(DateError) as refused:
        read_date(text, WEDNESDAY)
    assert reason in str(refused.value)
    if text:
        assert text not in str(refused.value)  # the message never repeats the value


def test_a_month_alone_is_read_as_its_first_day_and_marked_for_review():
    reading = read_date("від квітня", WEDNESDAY)
    assert reading.date == D(2022, 4, 1) and reading.review is not None
    this_month = read_date("з березня", WEDNESDAY)
    assert this_month.date == WEDNESDAY and this_month.review is not None


def test_real_dates_from_a_spreadsheet_are_kept():
    assert read_date(D(2022, 3, 5), WEDNESDAY).date == D(2022, 3, 5)
    stamp = datetime.datetime(2022, 3, 5, 14, 20)
    assert read_date(stamp, WEDNESDAY).date == D(2022, 3, 5)
