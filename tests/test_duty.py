"""The duty a cell serves (xlcell.duty): blanks take the design's operating point; Excel keys and units."""
import numpy as np

from xlcell.cell import default_design
from xlcell.duty import FAST, SLOW, Duty, resolve_duty
from xlcell.params import from_display, spec_by_key, to_display


def test_blank_rate_and_temperature_take_the_designs():
    d = default_design()
    r = resolve_duty(Duty(), d.c_rate_per_h, d.temperature_K)
    assert float(r.c_rate_per_h) == float(d.c_rate_per_h) and float(r.temperature_K) == float(d.temperature_K)
    r = resolve_duty(Duty(c_rate_per_h=np.array([2.0, np.nan])), np.array([0.5, 0.5]), 300.0)
    assert r.c_rate_per_h.tolist() == [2.0, 0.5] and float(r.temperature_K) == 300.0


def test_duty_keys_and_display_units():
    assert list(spec_by_key(Duty)) == ["c_rate", "dod", "temperature_C", "cycles_per_year", "eol_soh"]
    duty = from_display(Duty, {"c_rate": 2, "temperature_C": 45, "dod": 0.8})
    assert duty.temperature_K == 318.15 and duty.c_rate_per_h == 2 and duty.dod == 0.8
    assert to_display(duty)["temperature_C"] == 45.0
    assert SLOW.c_rate_per_h < FAST.c_rate_per_h
