func.func @f(%a: !modarith.int<16 : i8>) -> !modarith.int<16 : i8> {
  %b = modarith.mul %a, %a : !modarith.int<16 : i8>
  return %b : !modarith.int<16 : i8>
}
