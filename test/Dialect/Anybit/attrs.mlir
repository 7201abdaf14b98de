// RUN: anybit-opt %s | anybit-opt | FileCheck %s
// RUN: anybit-opt %s -mlir-print-op-generic | anybit-opt | FileCheck %s

// Round trip of #anybit.packed (as an attribute and as a tensor encoding),
// #anybit.layout and #anybit.tier. Encodings that use `zero_point` live in
// attrs-zero-point.mlir.

//===----------------------------------------------------------------------===//
// #anybit.packed
//===----------------------------------------------------------------------===//

// Parameters equal to their defaults (word = 8, straddle = true, no block)
// are not printed.
// CHECK-LABEL: func.func @packed_defaults()
// CHECK-SAME: a = #anybit.packed<>
// CHECK-SAME: b = #anybit.packed<>
// CHECK-SAME: c = #anybit.packed<>
// CHECK-SAME: d = #anybit.packed<>
func.func @packed_defaults() attributes {
    a = #anybit.packed<>,
    b = #anybit.packed<word = 8>,
    c = #anybit.packed<straddle = true>,
    d = #anybit.packed<word = 8, straddle = true>} {
  return
}

// CHECK-LABEL: func.func @packed_words()
// CHECK-SAME: a = #anybit.packed<word = 16>
// CHECK-SAME: b = #anybit.packed<word = 32>
// CHECK-SAME: c = #anybit.packed<word = 64>
// CHECK-SAME: d = #anybit.packed<straddle = false>
// CHECK-SAME: e = #anybit.packed<word = 16, straddle = false>
// CHECK-SAME: f = #anybit.packed<word = 32, straddle = false>
// CHECK-SAME: g = #anybit.packed<word = 64, straddle = false>
func.func @packed_words() attributes {
    a = #anybit.packed<word = 16>,
    b = #anybit.packed<word = 32>,
    c = #anybit.packed<word = 64, straddle = true>,
    d = #anybit.packed<straddle = false>,
    e = #anybit.packed<word = 16, straddle = false>,
    f = #anybit.packed<word = 32, straddle = false>,
    g = #anybit.packed<straddle = false, word = 64>} {
  return
}

// Block shapes with every kind of scale type.
// CHECK-LABEL: func.func @packed_blocks()
// CHECK-SAME: a = #anybit.packed<block = [32, 1], scale = f32>
// CHECK-SAME: b = #anybit.packed<block = [1, 32], scale = f16>
// CHECK-SAME: c = #anybit.packed<block = [1, 64], scale = bf16>
// CHECK-SAME: d = #anybit.packed<block = [1, 32], scale = f8E8M0FNU>
// CHECK-SAME: e = #anybit.packed<block = [16], scale = f64>
// CHECK-SAME: f = #anybit.packed<block = [2, 2, 8], scale = !anybit.float<e8m0, unsigned, fn, nozero>>
// CHECK-SAME: g = #anybit.packed<block = [4, 4], scale = f8E4M3FN>
// CHECK-SAME: h = #anybit.packed<word = 32, straddle = false, block = [32, 1], scale = f16>
// CHECK-SAME: i = #anybit.packed<word = 16, block = [1], scale = !anybit.float<e5m3>>
func.func @packed_blocks() attributes {
    a = #anybit.packed<block = [32, 1], scale = f32>,
    b = #anybit.packed<block = [1, 32], scale = f16>,
    c = #anybit.packed<block = [1, 64], scale = bf16>,
    d = #anybit.packed<block = [1, 32], scale = f8E8M0FNU>,
    e = #anybit.packed<block = [16], scale = f64>,
    f = #anybit.packed<block = [2, 2, 8],
                       scale = !anybit.float<e8m0, unsigned, fn, nozero>>,
    g = #anybit.packed<block = [4, 4], scale = f8E4M3FN>,
    h = #anybit.packed<word = 32, straddle = false, block = [32, 1],
                       scale = f16>,
    i = #anybit.packed<scale = !anybit.float<e5m3>, block = [1], word = 16>} {
  return
}

// Tiles, alone and with the other parameters.
// CHECK-LABEL: func.func @packed_tiles()
// CHECK-SAME: a = #anybit.packed<tile = [64, 4]>
// CHECK-SAME: b = #anybit.packed<word = 32, block = [1, 32], scale = f16, tile = [8, 8]>
// CHECK-SAME: c = #anybit.packed<base3 = true, tile = [5]>
func.func @packed_tiles() attributes {
    a = #anybit.packed<tile = [64, 4]>,
    b = #anybit.packed<tile = [8, 8], word = 32, block = [1, 32], scale = f16>,
    c = #anybit.packed<base3 = true, tile = [5]>} {
  return
}

// Bit planes print after the other parameters.
// CHECK-LABEL: func.func @packed_bit_planes()
// CHECK-SAME: a = #anybit.packed<bit_planes = [2, 1]>
// CHECK-SAME: b = #anybit.packed<block = [1, 32], scale = f16, tile = [64, 16], bit_planes = [1, 1, 2]>
// CHECK-SAME: c = tensor<64x32xi3, #anybit.packed<tile = [64, 16], bit_planes = [2, 1]>>
func.func @packed_bit_planes() attributes {
    a = #anybit.packed<bit_planes = [2, 1]>,
    b = #anybit.packed<bit_planes = [1, 1, 2], tile = [64, 16], block = [1, 32], scale = f16>,
    c = tensor<64x32xi3, #anybit.packed<bit_planes = [2, 1], tile = [64, 16]>>} {
  return
}

// As tensor encodings, the way the ops use them.
// CHECK-LABEL: func.func @packed_tensors
// CHECK-SAME: tensor<64x32xi3, #anybit.packed<>>
// CHECK-SAME: tensor<10xi5, #anybit.packed<word = 32, straddle = false>>
// CHECK-SAME: tensor<64x32xi4, #anybit.packed<word = 32, block = [32, 1], scale = f16>>
// CHECK-SAME: tensor<4x64xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f8E8M0FNU>>
// CHECK-SAME: tensor<8x!anybit.float<e3m2>, #anybit.packed<block = [8], scale = bf16>>
// CHECK-SAME: tensor<3xi64, #anybit.packed<word = 64, straddle = false>>
// CHECK-SAME: tensor<7xi1, #anybit.packed<>>
// CHECK-SAME: tensor<2x2xindex, #anybit.packed<word = 16>>
// CHECK-SAME: tensor<5xf32, #anybit.packed<word = 32, straddle = false>>
// CHECK-SAME: tensor<0x4xui7, #anybit.packed<block = [1, 2], scale = f32>>
// CHECK-SAME: tensor<i3, #anybit.packed<>>
func.func @packed_tensors(
    %a: tensor<64x32xi3, #anybit.packed<>>,
    %b: tensor<10xi5, #anybit.packed<word = 32, straddle = false>>,
    %c: tensor<64x32xi4, #anybit.packed<word = 32, block = [32, 1], scale = f16>>,
    %d: tensor<4x64xf4E2M1FN, #anybit.packed<block = [1, 32], scale = f8E8M0FNU>>,
    %e: tensor<8x!anybit.float<e3m2>, #anybit.packed<block = [8], scale = bf16>>,
    %f: tensor<3xi64, #anybit.packed<word = 64, straddle = false>>,
    %g: tensor<7xi1, #anybit.packed<>>,
    %h: tensor<2x2xindex, #anybit.packed<word = 16>>,
    %i: tensor<5xf32, #anybit.packed<word = 32, straddle = false>>,
    %j: tensor<0x4xui7, #anybit.packed<block = [1, 2], scale = f32>>,
    %k: tensor<i3, #anybit.packed<>>) {
  return
}

//===----------------------------------------------------------------------===//
// #anybit.layout
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @layout_primitives()
// CHECK-SAME: a = #anybit.layout<"local(2, 1)">
// CHECK-SAME: b = #anybit.layout<"spatial(8, 4)">
// CHECK-SAME: c = #anybit.layout<"column_local(2, 3)">
// CHECK-SAME: d = #anybit.layout<"column_spatial(4, 8)">
// CHECK-SAME: e = #anybit.layout<"replicated(4)">
// CHECK-SAME: f = #anybit.layout<"local(16)">
// CHECK-SAME: g = #anybit.layout<"spatial(2, 2, 2)">
func.func @layout_primitives() attributes {
    a = #anybit.layout<"local(2, 1)">,
    b = #anybit.layout<"spatial(8,4)">,
    c = #anybit.layout<"column_local( 2 , 3 )">,
    d = #anybit.layout<"column_spatial(4, 8)">,
    e = #anybit.layout<"replicated(4)">,
    f = #anybit.layout<"local(16)">,
    g = #anybit.layout<"spatial(2, 2, 2)">} {
  return
}

// Compositions are flattened however they were grouped.
// CHECK-LABEL: func.func @layout_compositions()
// CHECK-SAME: a = #anybit.layout<"local(2, 1).spatial(8, 4).local(1, 2)">
// CHECK-SAME: b = #anybit.layout<"local(2, 1).spatial(8, 4).local(1, 2)">
// CHECK-SAME: c = #anybit.layout<"local(2, 1).spatial(8, 4).local(1, 2)">
// CHECK-SAME: d = #anybit.layout<"replicated(4).local(2, 2)">
// CHECK-SAME: e = #anybit.layout<"column_spatial(4, 2).local(1, 2).spatial(2, 1)">
// CHECK-SAME: f = #anybit.layout<"spatial(4).local(2, 2)">
func.func @layout_compositions() attributes {
    a = #anybit.layout<"local(2, 1).spatial(8, 4).local(1, 2)">,
    b = #anybit.layout<"(local(2, 1).spatial(8, 4)).local(1, 2)">,
    c = #anybit.layout<"local(2, 1) . (spatial(8, 4).local(1, 2))">,
    d = #anybit.layout<"replicated(4).local(2,2)">,
    e = #anybit.layout<"column_spatial(4,2).(local(1,2).spatial(2,1))">,
    f = #anybit.layout<"spatial(4).local(2, 2)">} {
  return
}

// CHECK-LABEL: func.func @layout_transforms()
// CHECK-SAME: a = #anybit.layout<"reshape(local(2, 4).spatial(4, 8), [8, 32])">
// CHECK-SAME: b = #anybit.layout<"permute(spatial(4, 8), [1, 0])">
// CHECK-SAME: c = #anybit.layout<"permute(local(2, 1).spatial(8, 4), [1, 0]).local(2, 2)">
// CHECK-SAME: d = #anybit.layout<"reshape(permute(local(2, 3, 4), [2, 0, 1]), [24])">
// CHECK-SAME: e = #anybit.layout<"local(2).reshape(spatial(2, 2), [4])">
func.func @layout_transforms() attributes {
    a = #anybit.layout<"reshape(local(2, 4).spatial(4, 8), [8, 32])">,
    b = #anybit.layout<"permute(spatial(4, 8), [1, 0])">,
    c = #anybit.layout<"permute(local(2, 1).spatial(8, 4), [1, 0]).local(2, 2)">,
    d = #anybit.layout<"reshape(permute(local(2, 3, 4), [2, 0, 1]), [24])">,
    e = #anybit.layout<"local(2).reshape(spatial(2, 2), [4])">} {
  return
}

//===----------------------------------------------------------------------===//
// #anybit.tier
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @tiers()
// CHECK-SAME: a = #anybit.tier<register>
// CHECK-SAME: b = #anybit.tier<shared>
// CHECK-SAME: c = #anybit.tier<global>
// CHECK-SAME: d = #anybit.tier<host>
// CHECK-SAME: e = #anybit.tier<bram>
// CHECK-SAME: f = #anybit.tier<uram>
// CHECK-SAME: g = #anybit.tier<dram>
func.func @tiers() attributes {
    a = #anybit.tier<register>,
    b = #anybit.tier<shared>,
    c = #anybit.tier<global>,
    d = #anybit.tier<host>,
    e = #anybit.tier<bram>,
    f = #anybit.tier<uram>,
    g = #anybit.tier<dram>} {
  return
}

// All three kinds together in one dictionary, as a lowering would attach
// them to a tile value.
// CHECK-LABEL: func.func @together()
// CHECK-SAME: tile = {encoding = #anybit.packed<word = 32, straddle = false>, layout = #anybit.layout<"local(2, 1).spatial(8, 4)">, tier = #anybit.tier<shared>}
func.func @together() attributes {
    tile = {layout = #anybit.layout<"local(2, 1).spatial(8, 4)">,
            tier = #anybit.tier<shared>,
            encoding = #anybit.packed<word = 32, straddle = false>}} {
  return
}
