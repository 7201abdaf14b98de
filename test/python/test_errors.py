"""Errors: CompileError for MLIR diagnostics, ValueError for bad arguments,
and never a crash."""

import copy

import numpy as np
import pytest

import anybit

ADD = """func.func @add(%a: tensor<4xi3>, %b: tensor<4xi3>) -> tensor<4xi3> {
  %c = arith.addi %a, %b : tensor<4xi3>
  return %c : tensor<4xi3>
}
"""


def test_compile_error_is_an_exception_with_locations():
    assert issubclass(anybit.CompileError, Exception)
    bad = "func.func @f(%a: i8) -> i8 {\n  %b = arith.frobnicate %a : i8\n  return %b : i8\n}\n"
    with pytest.raises(anybit.CompileError) as e:
        anybit.interpret(bad, "f", 1)
    text = str(e.value)
    assert "<source>:2:8: error:" in text
    assert "arith.frobnicate" in text


def test_compile_error_names_the_file(tmp_path):
    path = tmp_path / "broken.mlir"
    path.write_text("func.func @f() {\n  return %x : i8\n}\n")
    with pytest.raises(anybit.CompileError, match=r"broken\.mlir:2:\d+: error: "):
        anybit.interpret(str(path), "f")


def test_verifier_errors_are_compile_errors():
    k = """func.func @f(%a: tensor<4xi3>) -> tensor<5xi3> {
  %b = anybit.cast %a : tensor<4xi3> to tensor<5xi3>
  return %b : tensor<5xi3>
}"""
    with pytest.raises(anybit.CompileError, match=r"<source>:2:\d+: error: .*shapes differ"):
        anybit.interpret(k, "f", [1, 2, 3, 4])


def test_runtime_errors_are_compile_errors_at_the_op():
    k = """func.func @div(%a: i8, %b: i8) -> i8 {
  %c = arith.divsi %a, %b : i8
  return %c : i8
}"""
    assert int(anybit.interpret(k, "div", 7, 2)) == 3
    with pytest.raises(anybit.CompileError, match=r"<source>:2:8: error: division by zero"):
        anybit.interpret(k, "div", 7, 0)


def test_unsupported_types_are_compile_errors():
    k = "func.func @f(%a: tensor<?xi8>) -> tensor<?xi8> { return %a : tensor<?xi8> }"
    with pytest.raises(anybit.CompileError, match="reference VM"):
        anybit.interpret(k, "f", np.zeros(3, np.int8))
    ext = "func.func private @g(i8) -> i8"
    with pytest.raises(anybit.CompileError, match="external"):
        anybit.interpret(ext, "g", 1)


def test_affine_parallel_assign_is_a_compile_error_not_an_abort():
    # Upstream's affine lowering builds a null identity for it and aborts.
    src = """func.func @f() -> i32 {
  %r = affine.parallel (%i) = (0) to (3) reduce ("assign") -> (i32) {
    %c = arith.constant 1 : i32
    affine.yield %c : i32
  }
  return %r : i32
}"""
    message = "2:8: error: 'affine.parallel' op reduction 'assign' has no identity"
    with pytest.raises(anybit.CompileError, match=message):
        anybit.compile(src)
    with pytest.raises(anybit.CompileError, match=message):
        anybit.interpret(src, "f")


def test_unresolved_functions_are_compile_errors_at_the_entry(capfd):
    k = """func.func private @nowhere(f32) -> f32
func.func @f(%a: f32) -> f32 {
  %r = func.call @nowhere(%a) : (f32) -> f32
  return %r : f32
}"""
    with pytest.raises(anybit.CompileError,
                       match=r"<source>:2:1: error: cannot link 'f': "
                       r"Symbols not found: \[ nowhere \]"):
        anybit.compile(k)
    # Reported once, in the exception: nothing printed apart.
    assert capfd.readouterr().err == ""


def test_wrong_argument_count():
    with pytest.raises(ValueError, match="takes 2 arguments, got 1"):
        anybit.interpret(ADD, "add", [1, 2, 3, 4])
    with pytest.raises(ValueError, match="takes 2 arguments, got 3"):
        anybit.interpret(ADD, "add", [1] * 4, [1] * 4, [1] * 4)


def test_keyword_arguments_are_type_errors():
    add = anybit.compile(ADD).add
    with pytest.raises(TypeError, match="'add' takes its arguments by position, got keyword argument 'b'"):
        add([1] * 4, b=[1] * 4)
    assert list(add([1] * 4, [2] * 4)) == [3] * 4


def test_unknown_entry():
    with pytest.raises(ValueError, match="no function named 'sub'.*add"):
        anybit.interpret(ADD, "sub", [1] * 4, [1] * 4)


def test_wrong_shape_and_dtype():
    with pytest.raises(ValueError, match=r"argument 1: .*shape \(4,\).*got shape \(2, 2\)"):
        anybit.interpret(ADD, "add", [1] * 4, [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="argument 0: .*float"):
        anybit.interpret(ADD, "add", np.ones(4), [1] * 4)
    with pytest.raises(ValueError, match="argument 0: .*not supported"):
        anybit.interpret(ADD, "add", np.ones(4, np.complex64), [1] * 4)
    with pytest.raises(ValueError, match="argument 0"):
        anybit.interpret(ADD, "add", ["a", "b", "c", "d"], [1] * 4)
    with pytest.raises(ValueError, match="does not fit in 64 bits"):
        anybit.interpret("func.func @f(%a: i8) -> i8 { return %a : i8 }", "f", 1 << 70)


def test_packed_argument_mismatch():
    p = anybit.pack(np.arange(4), "i3")
    k = """func.func @f(%p: tensor<4xi4, #anybit.packed<>>) -> tensor<4xi4> {
  %v = anybit.unpack %p : tensor<4xi4, #anybit.packed<>> -> tensor<4xi4>
  return %v : tensor<4xi4>
}"""
    with pytest.raises(ValueError, match="PackedArray of type"):
        anybit.interpret(k, "f", p)
    with pytest.raises(ValueError, match="PackedArray"):
        anybit.interpret(ADD, "add", p, [1] * 4)
    with pytest.raises(ValueError, match="1-D uint8"):
        anybit.interpret(k, "f", np.arange(4))
    np.testing.assert_array_equal(
        anybit.interpret(k, "f", anybit.pack(np.arange(4), "i4")), np.arange(4))


@pytest.mark.parametrize("dtype", [
    "i0", "i65", "ui100", "si99999999999", "", "foo", "e9m2", "e0m3", "e3m11",
    "e3m2, bias = 9999", "e3m2, nozero", "e3m2, sparkly", "f8E4M3FNUZ", "tf32",
    "tensor<4xi8>", "!anybit.float<e3m2", "memref<i8>", "f128", "complex<f32>",
])
def test_unknown_or_invalid_dtypes(dtype):
    with pytest.raises(ValueError):
        anybit.pack([1, 2], dtype)


@pytest.mark.parametrize("encoding", [
    "word = 12", "block = [2]", "block = [0], scale = f16", "block = [1], scale = i8",
    "scale = f16", "#anybit.packed<", "#anybit.layout<\"local(2)\">", "garbage",
    {"word": 7}, {"block": [3], "scale": "f16"}, {"block": [1]}, {"flavour": 1},
    {"block": "x", "scale": "f16"}, {"scale": "nope", "block": [1]}, 42,
    {"word": 8, "straddle": False, "block": [1, 1], "scale": "f16"},
])
def test_invalid_encodings(encoding):
    with pytest.raises(ValueError):
        anybit.pack([1, 2], "i4", encoding, scales=[1.0, 1.0])


def test_encoding_that_does_not_fit_the_tensor():
    with pytest.raises(ValueError, match="does not divide"):
        anybit.pack(np.zeros((4, 30)), "e2m1", {"block": [1, 32], "scale": "f16"}, scales=np.ones((4, 1)))
    with pytest.raises(ValueError, match="block rank"):
        anybit.pack(np.zeros((4, 32)), "e2m1", {"block": [32], "scale": "f16"}, scales=np.ones(1))
    with pytest.raises(ValueError, match="straddling"):
        anybit.pack(np.zeros(4, np.int32), "i12", {"word": 8, "straddle": False})


def test_bad_scales_and_zero_points():
    enc = {"block": [1, 32], "scale": "f16"}
    x = np.zeros((2, 64), np.int8)
    with pytest.raises(ValueError, match="needs scales"):
        anybit.pack(x, "i4", enc)
    with pytest.raises(ValueError, match="scales"):
        anybit.pack(x, "i4", enc, scales=np.ones((2, 3)))
    with pytest.raises(ValueError, match="has no zero points"):
        anybit.pack(x, "i4", enc, scales=np.ones((2, 2)), zero_points=np.ones((2, 2)))
    with pytest.raises(ValueError, match="has no scales"):
        anybit.pack(x, "i4", None, scales=np.ones((2, 2)))


def test_pack_rejects_float_values_for_integer_dtypes():
    with pytest.raises(ValueError, match="integer"):
        anybit.pack(np.array([1.5]), "i4")


def test_quantize_argument_errors():
    x = np.ones((4, 64), np.float32)
    with pytest.raises(ValueError, match="does not divide"):
        anybit.quantize(x, "i4", group_size=24)
    with pytest.raises(ValueError, match="out of range"):
        anybit.quantize(x, "i4", axis=2)
    with pytest.raises(ValueError, match="rank"):
        anybit.quantize(np.float32(1), "i4")
    with pytest.raises(ValueError, match="integer codes"):
        anybit.quantize(x, "e2m1", symmetric=False)
    with pytest.raises(ValueError, match="positive"):
        anybit.quantize(x, "i4", group_size=0)
    with pytest.raises(ValueError):
        anybit.quantize(x, "i4", scale_dtype="i8")
    with pytest.raises(ValueError):
        anybit.quantize(x, "i99")
    with pytest.raises(ValueError):
        anybit.quantize(x, "index")
    for wide in ("f32", "f64"):
        with pytest.raises(ValueError, match="at most 16 bits"):
            anybit.quantize(x, wide)


def test_quantize_data_errors_come_from_the_op():
    x = np.ones((1, 32), np.float32)
    x[0, 5] = np.nan
    with pytest.raises(anybit.CompileError, match="non-finite"):
        anybit.quantize(x, "i4")
    # A scale f16 cannot hold (too small).
    with pytest.raises(anybit.CompileError, match="cannot represent"):
        anybit.quantize(np.full((1, 32), 1e-30), "i4")


def test_dequantize_errors():
    with pytest.raises(ValueError, match="block-scaled"):
        anybit.dequantize(anybit.pack([1, 2], "i4"))
    q = anybit.quantize(np.ones((1, 32)), "i4")
    with pytest.raises(ValueError, match="floats"):
        anybit.dequantize(q, "i8")
    with pytest.raises(ValueError):
        anybit.dequantize(np.ones(3))
    with pytest.raises(ValueError):
        anybit.unpack(np.ones(3))


def test_shapes_and_sizes_are_checked():
    with pytest.raises(ValueError, match="negative"):
        anybit.PackedArray(np.zeros(1, np.uint8), "i4", (-1, 2))
    with pytest.raises(ValueError, match="2\\^32"):
        anybit.PackedArray(np.zeros(1, np.uint8), "i4", (1 << 20, 1 << 20))
    with pytest.raises(ValueError):
        anybit.PackedArray(np.zeros(1, np.uint8), "i4", "abc")


def test_missing_file():
    with pytest.raises(FileNotFoundError):
        anybit.interpret("/nonexistent/kernel.mlir", "f")


def test_bad_source_and_entry_types():
    with pytest.raises(ValueError):
        anybit.interpret(42, "f")
    with pytest.raises(ValueError):
        anybit.interpret(ADD, 3)


def test_errors_leave_the_module_usable():
    for _ in range(3):
        with pytest.raises(anybit.CompileError):
            anybit.interpret("func.func @f( {", "f")
        with pytest.raises(ValueError):
            anybit.pack([1], "i0")
    np.testing.assert_array_equal(anybit.interpret(ADD, "add", [1] * 4, [2] * 4), [3] * 4)


@pytest.mark.parametrize("call, message", [
    (lambda: anybit.compile(ADD, threads=2**40), "threads must be 0"),
    (lambda: anybit.compile(ADD, threads=-1), "threads must be 0"),
    (lambda: anybit.compile(ADD + "// \udc80\n"), "not valid Unicode"),
    (lambda: anybit.trit_encoding(batch=2**80), "batch must be a positive int"),
    (lambda: anybit.trit_encoding(shape=(64, 2**63)), "shape must be two"),
    (lambda: anybit.quantize(np.ones((1, 32), np.float32), "i4", symmetric="no"),
     "symmetric must be True or False"),
])
def test_out_of_range_arguments_are_value_errors(call, message):
    # Each was a TypeError from the binding's conversion, or (symmetric)
    # taken as truthy.
    with pytest.raises(ValueError, match=message):
        call()


def test_objects_made_without_init_are_type_errors():
    # T.__new__(T) skips __init__; pybind11 had handed the bindings
    # uninitialized memory (a segfault).
    packed = anybit.PackedArray.__new__(anybit.PackedArray)
    module = anybit.Module.__new__(anybit.Module)
    function = anybit.Function.__new__(anybit.Function)
    real = anybit.compile(ADD)
    for call in (lambda: repr(packed), lambda: packed.shape, lambda: packed.data,
                 lambda: packed == packed, lambda: anybit.unpack(packed),
                 lambda: anybit.dequantize(packed), lambda: repr(module),
                 lambda: module.entries, lambda: module.add,
                 lambda: module["add"], lambda: hasattr(module, "add"),
                 lambda: copy.deepcopy(module),
                 lambda: function([1] * 4, [2] * 4),
                 lambda: function.signature):
        with pytest.raises(TypeError, match="not initialized"):
            call()
    # As an argument of a real call, too.
    with pytest.raises((TypeError, ValueError)):
        real.add(packed, [2] * 4)
