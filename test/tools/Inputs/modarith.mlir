func.func @f(%a: !modarith.int<17 : i8>) -> !modarith.int<17 : i8> {
  %b = modarith.add %a, %a : !modarith.int<17 : i8>
  return %b : !modarith.int<17 : i8>
}
