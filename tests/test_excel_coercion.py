"""The Excel boundary's coercion (udfs/_excel.py): Excel error values and text numbers.

xlwings reads a cell holding an error as text when the argument has ``err_to_str=True`` (which
``udf()`` sets for every argument); without it the error would arrive as a blank and silently take a
default. Text numbers: a comma is a thousands separator only, never a decimal one.
"""
import pytest

from udfs._excel import EXCEL_ERRORS, as_bool, as_float, as_int, as_kv, as_table, as_text, as_vector
from udfs.cell import XLCELL_AREAL_CAPACITY, XLCELL_CELL, XLCELL_CELL_TABLE, XLCELL_MATERIAL
from xlcell.errors import ExcelErrorValue, InputError

ERRORS = ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"]


@pytest.mark.parametrize("err", ERRORS)
def test_every_excel_error_value_is_named_as_such(err):
    assert err in EXCEL_ERRORS
    for read in (lambda v: as_float(v, "pos_porosity", default=0.25), lambda v: as_text(v, "pos_porosity"),
                 lambda v: as_bool(v, "pos_porosity", default=True)):
        with pytest.raises(ExcelErrorValue) as e:
            read(err)
        assert str(e.value).startswith(f"pos_porosity = {err}: the cell holds an Excel error")
        assert isinstance(e.value, InputError)  # callers catching InputError/ValueError still catch it


def test_an_error_never_takes_the_blank_default():
    out = XLCELL_CELL([["pos_thickness_um", 100.0], ["pos_porosity", "#DIV/0!"]])
    assert out == [["#XLCELL! pos_porosity = #DIV/0!: the cell holds an Excel error; fix the formula or the "
                         "cell it refers to"]]


def test_errors_in_scalar_udfs_ranges_keys_and_tables():
    assert XLCELL_AREAL_CAPACITY("#N/A", 3.0, 0.96, 200.0).startswith("#XLCELL! thickness_um = #N/A: the cell holds")
    assert XLCELL_MATERIAL("#REF!", "potential_V").startswith("#XLCELL! name = #REF!: the cell holds an Excel error")
    with pytest.raises(ExcelErrorValue, match=r"c_rates\[2\] = #NUM!"):
        as_vector([[1.0], ["#NUM!"]], "c_rates")
    with pytest.raises(ExcelErrorValue, match="design key = #NAME\\?"):
        as_kv([["#NAME?", 1.0]], "design")
    with pytest.raises(ExcelErrorValue, match=r"designs header \(column 2\) = #REF!"):
        as_table([["pos_thickness_um", "#REF!"], [100.0, 0.3]], "designs")
    out = XLCELL_CELL_TABLE([["pos_thickness_um", "pos_porosity"], [100.0, 0.3], [110.0, "#DIV/0!"]])
    assert out[0][0].startswith("#XLCELL! pos_porosity (row 2) = #DIV/0!: the cell holds an Excel error")
    out = XLCELL_CELL_TABLE([["pos_material"], ["NMC811"], ["#N/A"]])
    assert out[0][0].startswith("#XLCELL! pos_material (row 2) = #N/A: the cell holds an Excel error")


def test_text_that_merely_starts_with_a_hash_is_not_an_excel_error():
    with pytest.raises(InputError) as e:
        as_float("#5", "x")
    assert not isinstance(e.value, ExcelErrorValue)


@pytest.mark.parametrize("text,value", [("1,234.5", 1234.5), ("12,345,678", 12345678.0), ("-1,000", -1000.0),
                                        ("+2,500.", 2500.0), (" 120.5 ", 120.5), ("1e-3", 1e-3), ("1,000e3", 1e6)])
def test_text_numbers_with_thousands_separators(text, value):
    assert as_float(text, "x") == pytest.approx(value)


@pytest.mark.parametrize("text", ["120,5", "0,25", "1,23", "1,2345", "12,34,567", ",5", "1,234,5"])
def test_a_decimal_comma_is_an_error_not_a_silently_wrong_number(text):
    with pytest.raises(InputError, match="use a point as the decimal separator"):
        as_float(text, "pos_thickness_um")
    out = XLCELL_CELL([["pos_thickness_um", text]])
    assert out[0][0].startswith(f"#XLCELL! pos_thickness_um = '{text}': must be a number; use a point")


def test_as_int_bounds_name_the_range():
    assert as_int(7.0, "bins", minimum=1, maximum=40) == 7
    assert as_int(None, "seed", default=0, minimum=0, maximum=9) == 0
    with pytest.raises(InputError, match=r"bins = 41: must be a whole number between 1 and 40$"):
        as_int(41.0, "bins", minimum=1, maximum=40)
    with pytest.raises(InputError, match=r"n = 2.5: must be a whole number between 1 and 100,000$"):
        as_int(2.5, "n", minimum=1, maximum=100_000)
    with pytest.raises(InputError, match=r"k = 12: must be a whole number <= 10$"):
        as_int(12.0, "k", maximum=10)
    with pytest.raises(InputError, match=r"k = 0: must be a whole number >= 1$"):
        as_int(0.0, "k", minimum=1)
