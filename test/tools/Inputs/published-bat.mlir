// The CROSS paper's published BAT check: 123456789 * 987654321 mod
// 1073692673 = 397671139.
func.func @published(%t: !modarith.int<1073692673 : i32>,
                     %x: !modarith.int<1073692673 : i32>)
    -> (!modarith.int<1073692673 : i32>, i32) {
  %p = modarith.mul %t, %x : !modarith.int<1073692673 : i32>
  %e = modarith.extract %p : !modarith.int<1073692673 : i32> -> i32
  return %p, %e : !modarith.int<1073692673 : i32>, i32
}
