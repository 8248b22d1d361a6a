"""The file readers: the short header reader agrees with calamine; dates and headers parse as typed."""

import datetime as dt
import io

import openpyxl
import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gonghui.imports.parsing import _xlsx_rows, cell_text, normalise_header, xlsx_head
from gonghui.members.importers import parse_join_date

TODAY = dt.date(2025, 6, 30)


def texts(rows):
    """Cells as text without trailing blanks (calamine pads every row to the sheet's width)."""
    out = []
    for row in rows:
        cells = [cell_text(c) for c in row]
        while cells and cells[-1] == "":
            cells.pop()
        out.append(cells)
    return out


def _xlsxwriter_file(tmp_path, options=None, rich=False):
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path), options or {})
    book.add_worksheet("说明")  # the first sheet in workbook order is the one read
    sheet = book.worksheets()[0]
    bold = book.add_format({"bold": True})
    if rich:
        sheet.write_rich_string(2, 1, bold, "姓", "名")
    else:
        sheet.write_string(2, 1, "姓名")
    sheet.write_string(2, 3, "身份证号")
    sheet.write_number(3, 3, 110105199003071239)
    sheet.write_string(3, 1, "张三")
    book.add_worksheet("other").write_string(0, 0, "never read")
    book.close()
    return path


@pytest.mark.parametrize("options", [{}, {"constant_memory": True}], ids=["shared-strings", "inline-strings"])
@pytest.mark.parametrize("rich", [False, True], ids=["plain", "rich-text"])
def test_head_reader_agrees_with_calamine(tmp_path, options, rich):
    path = _xlsxwriter_file(tmp_path, options, rich)
    head, full = xlsx_head(path), _xlsx_rows(path)
    assert head is not None and len(head) == 4
    assert texts(head) == texts(full[:4])
    assert head[2][1] == "姓名"


def test_head_reader_on_an_openpyxl_workbook(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["", ""])
    sheet.append(["统一社会信用代码", "企业名称"])
    sheet.append(["91110105MA0000000X", "某公司"])
    path = tmp_path / "o.xlsx"
    book.save(path)
    assert texts(xlsx_head(path)) == texts(_xlsx_rows(path)) == [[], ["统一社会信用代码", "企业名称"],
                                                                 ["91110105MA0000000X", "某公司"]]


def test_head_reader_gives_up_on_what_it_does_not_follow(tmp_path):
    path = tmp_path / "odd.xlsx"
    with open(path, "wb") as fh:
        fh.write(io.BytesIO().getvalue())
    assert xlsx_head(path) is None


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=TODAY))
def test_join_dates_in_every_accepted_spelling(day):
    for text in (day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}.{day.month:02d}.{day.day}",
                 f"{day:%Y%m%d}", f"{day.year}年{day.month}月{day.day}日"):
        assert parse_join_date(text, TODAY) == day
    assert parse_join_date(dt.datetime.combine(day, dt.time()), TODAY) == day
    assert parse_join_date(float((day - dt.date(1899, 12, 30)).days), TODAY) == day


@given(st.text(max_size=12))
def test_join_date_never_crashes(text):
    try:
        assert parse_join_date(text, TODAY) <= TODAY
    except ValidationError as exc:
        assert exc.messages


def test_future_join_date_is_refused():
    with translation.override("en"), pytest.raises(ValidationError, match="future"):
        parse_join_date("2025-07-01", TODAY)


@given(st.text(max_size=20))
def test_header_normalisation_is_idempotent(text):
    assert normalise_header(normalise_header(text)) == normalise_header(text)


def test_header_spellings():
    assert normalise_header(" 身份证号（必填）* ") == normalise_header("身份证号") == "身份证号"
    assert normalise_header("Resident ID") == normalise_header("resident_id") == "residentid"


def test_english_labels_are_accepted_whatever_the_interface_language():
    from gonghui.enterprises.importers import INDUSTRIES, OWNERSHIPS
    from gonghui.members.importers import FORMS

    assert FORMS["deliveryrider"] == FORMS["外卖骑手"] == "delivery_rider"
    assert INDUSTRIES["manufacturing"] == INDUSTRIES["制造业"] == INDUSTRIES["c"] == "C"
    assert OWNERSHIPS["state-owned"] == OWNERSHIPS["国有"] == "state"
