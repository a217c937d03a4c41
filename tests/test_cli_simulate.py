"""``xlcell simulate nip`` (issue 16): the FE result beside the 1D roll pass, as a table, as JSON or into a file;
bad input is one sentence and exit code 2."""
from __future__ import annotations

import json

import pytest

from app.cli import main
from app.cli_simulate import SIMULATIONS
from xlcell.nip import simulate_nip


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_simulate_is_a_group_with_nip():
    assert "nip" in SIMULATIONS  # `dem` registers beside it with app.cli_simulate.simulation


def test_nip_json_has_both_models(capsys):
    code, out, err = run(capsys, "simulate", "nip", "--json", "--line-load", "500")
    assert code == 0 and not err
    res = json.loads(out)
    for k in ("fe_line_load_N_mm", "oned_line_load_N_mm", "fe_exit_porosity", "oned_exit_porosity",
              "fe_springback_um", "oned_springback_um", "fe_contact_length_mm", "oned_contact_length_mm"):
        assert isinstance(res[k], float), k
    assert res["oned_line_load_N_mm"] == pytest.approx(500, rel=1e-9)
    assert res["fe_line_load_N_mm"] == pytest.approx(500, rel=0.1)
    # the same numbers as the kernel's
    from xlcell.nip import NipInputs

    sim = simulate_nip(NipInputs(line_load_N_m=500e3), fe=False).summary()
    assert res["oned_exit_porosity"] == sim["oned_exit_porosity"]


def test_nip_table_inputs_file_and_out(capsys, tmp_path):
    f = tmp_path / "nip.toml"
    f.write_text('line_load_N_mm = 400\nthickness_before_um = 150\n[material]\nname = "MyGraphite"\neps_min = 0.1\n'
                 'gamma_N_mm = 300\nfracture_porosity = 0\nbruggeman_exponent = 1.5\nanisotropy_coefficient = 2\n'
                 'percolation_threshold = 0.03\npercolation_exponent = 2\nthreshold_shift = 0.5\n'
                 'carbon_network_conductivity_S_m = 10000\ndrying_shrinkage = 0.4\ncoating_modulus_GPa = 1\n',
                 encoding="utf-8")
    code, out, _ = run(capsys, "simulate", "nip", "--inputs", str(f), "--no-fe")
    assert code == 0 and "Exit porosity" in out and "MyGraphite" in out
    target = tmp_path / "out" / "nip.json"
    code, out, _ = run(capsys, "simulate", "nip", "--inputs", str(f), "--no-fe", "--out", str(target))
    assert code == 0 and out.strip() == str(target)
    res = json.loads(target.read_text(encoding="utf-8"))
    assert res["material"] == "MyGraphite" and res["line_load_N_mm"] == 400 and "fe_line_load_N_mm" not in res


@pytest.mark.parametrize("argv, sentence", [
    (["--line-load", "1500", "--no-fe"], "xlcell: line_load_N_mm = 1500: must be at most 952.9 N/mm, the "
                                         "fracture-limited line load of NMC811"),
    (["--set", "fe_elements_thickness=1"], "xlcell: fe_elements_thickness = 1: must be a whole number >= 3: a "
                                           "coarser mesh cannot resolve"),
    (["--set", "material=Kryptonite"], "xlcell: unknown material 'Kryptonite'; known:"),
    (["--set", "roll_diameter_m=-1", "--no-fe"], "xlcell: roll_diameter_m = -1: must be a number > 0 m"),
])
def test_bad_input_is_one_sentence_and_exit_2(capsys, argv, sentence):
    code, out, err = run(capsys, "simulate", "nip", *argv)
    assert code == 2 and not out
    assert err.startswith(sentence) and err.count("\n") == 1


def test_a_material_table_missing_a_parameter_is_named(capsys, tmp_path):
    f = tmp_path / "nip.json"
    f.write_text(json.dumps({"material": {"name": "X", "eps_min": 0.2}}), encoding="utf-8")
    code, _, err = run(capsys, "simulate", "nip", "--inputs", str(f), "--no-fe")
    assert code == 2 and err.startswith("xlcell: material.gamma_N_mm = blank: must be a value")
    f.write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "simulate", "nip", "--inputs", str(f))
    assert code == 2 and err.startswith("xlcell: --inputs = ") and "a JSON or TOML file" in err
