"""examples/matmulfree_block.py: one MatMul-free LM block (MLGRU + GLU of
ternary anybit.bitlinear layers) compiled, on the reference VM and in
numpy, bit for bit."""

import os
import sys

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")
sys.path.insert(0, os.path.normpath(EXAMPLES))
import matmulfree_block  # noqa: E402


def test_matmulfree_block_checks_pass():
    # The default lowering (ternary="addsub"); test_ternary.py compares it
    # with "generic" (the example does too with --all-lowerings, ~4 s more).
    assert matmulfree_block.check(verbose=False) == []


def test_matmulfree_block_main_prints_pass(capsys):
    assert matmulfree_block.main([]) == 0  # compiled modules are cached
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("PASS: matmulfree_block")
    assert "FAILED" not in out


def test_matmulfree_block_main_fails_loudly(capsys, monkeypatch):
    """A wrong reference must give FAIL and a non-zero status."""
    monkeypatch.setattr(matmulfree_block, "sigmoid_f32",
                        lambda x: matmulfree_block.F32(0.5) + 0 * x)
    assert matmulfree_block.main([]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("FAIL: matmulfree_block")
    assert "FAILED: tokens 0..7: == numpy with the same float32 operations" in out


def test_matmulfree_block_usage_error(capsys):
    assert matmulfree_block.main(["--bogus"]) == 2
    assert "usage:" in capsys.readouterr().err
