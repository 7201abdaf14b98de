// One block of a MatMul-free language model ("Scalable MatMul-free Language
// Modeling", Zhu et al. 2024; github.com/ridger/matmulfreellm): the MLGRU
// token mixer and the GLU channel mixer, every dense layer an
// anybit.bitlinear (RMSNorm, absmax int8 activations, ternary weights,
// products without multiplications by weights), everything else
// element-wise arith on tensors. d = 64, T = 8 tokens, GLU hidden 128.
//
//   MLGRU, per token t (h_0 given, zeros for a fresh sequence):
//     f_t  = sigmoid(BitLinear_f(x_t))        forget gate
//     c_t  = SiLU(BitLinear_c(x_t))           candidate
//     h_t  = f_t * h_{t-1} + (1 - f_t) * c_t
//     g_t  = sigmoid(BitLinear_g(x_t))        output gate
//     o_t  = BitLinear_o(g_t * h_t)
//   GLU:
//     y    = BitLinear_d(SiLU(BitLinear_gate(x)) * BitLinear_up(x))
//   block: x1 = x + MLGRU(x); y = x1 + GLU(x1)
//
// BitLinear_f/c/g/o/gate/up/down have no bias. Only the recurrence needs a
// loop (scf.for over the tokens, carrying the states h_0..h_T): the
// projections of all T tokens are one bitlinear each, since bitlinear
// treats each row on its own (matmulfreellm runs them batched too).
//
// Simplifications against the reference code: the block's RMSNorm before
// each mixer is left out, because BitLinear normalizes its input itself
// (RMSNorm inside the op); its weight is the norm weight of the mixer's
// input projections (%g_attn for f, c, g; %g_mlp for gate, up), and o and
// down normalize without a weight. The formulas are the paper's (sigmoid
// output gate, no norm on g * h), not the code's variant (SiLU(i) * (1 - f)
// candidate, RMSNorm-swish output gate), and there is no f lower bound.
//
// sigmoid(x) = 1 / (1 + exp(-x)) and SiLU(x) = x * sigmoid(x), with exp
// written out in arith (range reduction by ln 2 and a degree-9 polynomial,
// within 4 ulp of exp): the reference VM has no math dialect, and this way the
// whole block also runs there, so compiled code and VM agree bit for bit
// (and with numpy doing the same float32 operations).
//
// Entries: @ternarize_weights (f32 weights -> packed trits and scales, once
// per model), @block (packed weights), @block_f32 (ternarizes, then calls
// @block). Driver and numpy check: matmulfree_block.py.

!X = tensor<8x64xf32>
!U = tensor<8x128xf32>
!Wdd = tensor<64x64x!anybit.trit, #anybit.packed<>>
!Wud = tensor<128x64x!anybit.trit, #anybit.packed<>>
!Wdu = tensor<64x128x!anybit.trit, #anybit.packed<>>
!S = tensor<f32>

func.func @ternarize_weights(
    %wf: tensor<64x64xf32>, %wc: tensor<64x64xf32>, %wg: tensor<64x64xf32>,
    %wo: tensor<64x64xf32>, %wgate: tensor<128x64xf32>,
    %wup: tensor<128x64xf32>, %wdown: tensor<64x128xf32>)
    -> (!Wdd, !S, !Wdd, !S, !Wdd, !S, !Wdd, !S, !Wud, !S, !Wud, !S, !Wdu, !S) {
  %tf, %mf = anybit.ternarize %wf : tensor<64x64xf32> -> !Wdd, !S
  %tc, %mc = anybit.ternarize %wc : tensor<64x64xf32> -> !Wdd, !S
  %tg, %mg = anybit.ternarize %wg : tensor<64x64xf32> -> !Wdd, !S
  %to, %mo = anybit.ternarize %wo : tensor<64x64xf32> -> !Wdd, !S
  %tgate, %mgate = anybit.ternarize %wgate : tensor<128x64xf32> -> !Wud, !S
  %tup, %mup = anybit.ternarize %wup : tensor<128x64xf32> -> !Wud, !S
  %tdown, %mdown = anybit.ternarize %wdown : tensor<64x128xf32> -> !Wdu, !S
  return %tf, %mf, %tc, %mc, %tg, %mg, %to, %mo, %tgate, %mgate, %tup, %mup,
         %tdown, %mdown
      : !Wdd, !S, !Wdd, !S, !Wdd, !S, !Wdd, !S, !Wud, !S, !Wud, !S, !Wdu, !S
}

// x: T x d tokens; h0: the recurrent state before them. Returns the
// block's output and the state after the last token.
func.func @block(%x: !X, %h0: tensor<1x64xf32>,
                 %tf: !Wdd, %mf: !S, %tc: !Wdd, %mc: !S, %tg: !Wdd, %mg: !S,
                 %to: !Wdd, %mo: !S, %tgate: !Wud, %mgate: !S,
                 %tup: !Wud, %mup: !S, %tdown: !Wdu, %mdown: !S,
                 %g_attn: tensor<64xf32>, %g_mlp: tensor<64xf32>)
    -> (!X, tensor<1x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant dense<1.0> : tensor<1x64xf32>

  // ---- MLGRU token mixer ----
  %fp = anybit.bitlinear %x, %tf, %mf norm(%g_attn)
          : !X, !Wdd, !S, tensor<64xf32> -> !X
  %f = func.call @sigmoid_8x64(%fp) : (!X) -> !X
  %cp = anybit.bitlinear %x, %tc, %mc norm(%g_attn)
          : !X, !Wdd, !S, tensor<64xf32> -> !X
  %cs = func.call @sigmoid_8x64(%cp) : (!X) -> !X
  %c = arith.mulf %cp, %cs : !X
  %gp = anybit.bitlinear %x, %tg, %mg norm(%g_attn)
          : !X, !Wdd, !S, tensor<64xf32> -> !X
  %g = func.call @sigmoid_8x64(%gp) : (!X) -> !X

  // h_t = f_t * h_{t-1} + (1 - f_t) * c_t. The states live in one
  // (T + 1) x d tensor, row 0 = h_0, row t = h_t: the loop carries only it.
  // (Carrying h itself as a second iter_arg, a fresh tensor each step, is
  // what the formula says, but the CPU pipeline's one-shot bufferization
  // rejects it: "Yield operand #1 is not equivalent to the corresponding
  // iter bbArg". The VM runs either form.)
  %empty = tensor.empty() : tensor<9x64xf32>
  %init = tensor.insert_slice %h0 into %empty[0, 0] [1, 64] [1, 1]
            : tensor<1x64xf32> into tensor<9x64xf32>
  %states = scf.for %t = %c0 to %c8 step %c1
      iter_args(%acc = %init) -> (tensor<9x64xf32>) {
    %h = tensor.extract_slice %acc[%t, 0] [1, 64] [1, 1]
           : tensor<9x64xf32> to tensor<1x64xf32>
    %ft = tensor.extract_slice %f[%t, 0] [1, 64] [1, 1] : !X to tensor<1x64xf32>
    %ct = tensor.extract_slice %c[%t, 0] [1, 64] [1, 1] : !X to tensor<1x64xf32>
    %keep = arith.mulf %ft, %h : tensor<1x64xf32>
    %omf = arith.subf %one, %ft : tensor<1x64xf32>
    %new = arith.mulf %omf, %ct : tensor<1x64xf32>
    %hn = arith.addf %keep, %new : tensor<1x64xf32>
    %next = arith.addi %t, %c1 : index
    %acc2 = tensor.insert_slice %hn into %acc[%next, 0] [1, 64] [1, 1]
              : tensor<1x64xf32> into tensor<9x64xf32>
    scf.yield %acc2 : tensor<9x64xf32>
  }
  %hs = tensor.extract_slice %states[1, 0] [8, 64] [1, 1]
          : tensor<9x64xf32> to !X
  %hT = tensor.extract_slice %states[8, 0] [1, 64] [1, 1]
          : tensor<9x64xf32> to tensor<1x64xf32>
  %gated = arith.mulf %g, %hs : !X
  %o = anybit.bitlinear %gated, %to, %mo : !X, !Wdd, !S -> !X
  %x1 = arith.addf %x, %o : !X

  // ---- GLU channel mixer ----
  %gatep = anybit.bitlinear %x1, %tgate, %mgate norm(%g_mlp)
             : !X, !Wud, !S, tensor<64xf32> -> !U
  %up = anybit.bitlinear %x1, %tup, %mup norm(%g_mlp)
          : !X, !Wud, !S, tensor<64xf32> -> !U
  %gs = func.call @sigmoid_8x128(%gatep) : (!U) -> !U
  %silu = arith.mulf %gatep, %gs : !U
  %p = arith.mulf %silu, %up : !U
  %down = anybit.bitlinear %p, %tdown, %mdown : !U, !Wdu, !S -> !X
  %y = arith.addf %x1, %down : !X
  return %y, %hT : !X, tensor<1x64xf32>
}

// The same from float weights: ternarize them, then run @block.
func.func @block_f32(%x: !X, %h0: tensor<1x64xf32>,
    %wf: tensor<64x64xf32>, %wc: tensor<64x64xf32>, %wg: tensor<64x64xf32>,
    %wo: tensor<64x64xf32>, %wgate: tensor<128x64xf32>,
    %wup: tensor<128x64xf32>, %wdown: tensor<64x128xf32>,
    %g_attn: tensor<64xf32>, %g_mlp: tensor<64xf32>) -> (!X, tensor<1x64xf32>) {
  %tf, %mf, %tc, %mc, %tg, %mg, %to, %mo, %tgate, %mgate, %tup, %mup,
      %tdown, %mdown = func.call @ternarize_weights(
        %wf, %wc, %wg, %wo, %wgate, %wup, %wdown)
      : (tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>,
         tensor<64x64xf32>, tensor<128x64xf32>, tensor<128x64xf32>,
         tensor<64x128xf32>)
        -> (!Wdd, !S, !Wdd, !S, !Wdd, !S, !Wdd, !S, !Wud, !S, !Wud, !S, !Wdu, !S)
  %y, %hT = func.call @block(%x, %h0, %tf, %mf, %tc, %mc, %tg, %mg, %to, %mo,
                             %tgate, %mgate, %tup, %mup, %tdown, %mdown,
                             %g_attn, %g_mlp)
      : (!X, tensor<1x64xf32>, !Wdd, !S, !Wdd, !S, !Wdd, !S, !Wdd, !S,
         !Wud, !S, !Wud, !S, !Wdu, !S, tensor<64xf32>, tensor<64xf32>)
        -> (!X, tensor<1x64xf32>)
  return %y, %hT : !X, tensor<1x64xf32>
}

// sigmoid(x) = 1 / (1 + exp(-x)), exp(z) = 2^n * p(r) for n = trunc(z /
// ln 2) and r = z - n ln 2 (ln 2 in two parts, Cody-Waite), p the Taylor
// polynomial of degree 9 (Horner), 2^n built from its exponent bits; z
// clamped to [-87, 88] so that 2^n stays a normal f32.
func.func private @sigmoid_8x64(%x: !X) -> !X {
  %lo = arith.constant dense<-87.0> : !X
  %hi = arith.constant dense<88.0> : !X
  %log2e = arith.constant dense<1.442695> : !X
  %ln2hi = arith.constant dense<0.693359375> : !X
  %ln2lo = arith.constant dense<-0.00021219444> : !X
  %k9 = arith.constant dense<2.7557319e-06> : !X
  %k8 = arith.constant dense<2.4801588e-05> : !X
  %k7 = arith.constant dense<0.0001984127> : !X
  %k6 = arith.constant dense<0.0013888889> : !X
  %k5 = arith.constant dense<0.008333334> : !X
  %k4 = arith.constant dense<0.041666668> : !X
  %k3 = arith.constant dense<0.16666667> : !X
  %k2 = arith.constant dense<0.5> : !X
  %one = arith.constant dense<1.0> : !X
  %bias = arith.constant dense<127> : tensor<8x64xi32>
  %shift = arith.constant dense<23> : tensor<8x64xi32>
  %z0 = arith.negf %x : !X
  %z1 = arith.maximumf %z0, %lo : !X
  %z = arith.minimumf %z1, %hi : !X
  %t = arith.mulf %z, %log2e : !X
  %n = arith.fptosi %t : !X to tensor<8x64xi32>
  %nf = arith.sitofp %n : tensor<8x64xi32> to !X
  %a = arith.mulf %nf, %ln2hi : !X
  %r0 = arith.subf %z, %a : !X
  %b = arith.mulf %nf, %ln2lo : !X
  %r = arith.subf %r0, %b : !X
  %p9 = arith.mulf %k9, %r : !X
  %p8 = arith.addf %p9, %k8 : !X
  %q8 = arith.mulf %p8, %r : !X
  %p7 = arith.addf %q8, %k7 : !X
  %q7 = arith.mulf %p7, %r : !X
  %p6 = arith.addf %q7, %k6 : !X
  %q6 = arith.mulf %p6, %r : !X
  %p5 = arith.addf %q6, %k5 : !X
  %q5 = arith.mulf %p5, %r : !X
  %p4 = arith.addf %q5, %k4 : !X
  %q4 = arith.mulf %p4, %r : !X
  %p3 = arith.addf %q4, %k3 : !X
  %q3 = arith.mulf %p3, %r : !X
  %p2 = arith.addf %q3, %k2 : !X
  %q2 = arith.mulf %p2, %r : !X
  %p1 = arith.addf %q2, %one : !X
  %q1 = arith.mulf %p1, %r : !X
  %p0 = arith.addf %q1, %one : !X
  %e = arith.addi %n, %bias : tensor<8x64xi32>
  %bits = arith.shli %e, %shift : tensor<8x64xi32>
  %pow = arith.bitcast %bits : tensor<8x64xi32> to !X
  %exp = arith.mulf %p0, %pow : !X
  %den = arith.addf %one, %exp : !X
  %s = arith.divf %one, %den : !X
  return %s : !X
}

// The same for the GLU's 8 x 128 gate.
func.func private @sigmoid_8x128(%x: !U) -> !U {
  %lo = arith.constant dense<-87.0> : !U
  %hi = arith.constant dense<88.0> : !U
  %log2e = arith.constant dense<1.442695> : !U
  %ln2hi = arith.constant dense<0.693359375> : !U
  %ln2lo = arith.constant dense<-0.00021219444> : !U
  %k9 = arith.constant dense<2.7557319e-06> : !U
  %k8 = arith.constant dense<2.4801588e-05> : !U
  %k7 = arith.constant dense<0.0001984127> : !U
  %k6 = arith.constant dense<0.0013888889> : !U
  %k5 = arith.constant dense<0.008333334> : !U
  %k4 = arith.constant dense<0.041666668> : !U
  %k3 = arith.constant dense<0.16666667> : !U
  %k2 = arith.constant dense<0.5> : !U
  %one = arith.constant dense<1.0> : !U
  %bias = arith.constant dense<127> : tensor<8x128xi32>
  %shift = arith.constant dense<23> : tensor<8x128xi32>
  %z0 = arith.negf %x : !U
  %z1 = arith.maximumf %z0, %lo : !U
  %z = arith.minimumf %z1, %hi : !U
  %t = arith.mulf %z, %log2e : !U
  %n = arith.fptosi %t : !U to tensor<8x128xi32>
  %nf = arith.sitofp %n : tensor<8x128xi32> to !U
  %a = arith.mulf %nf, %ln2hi : !U
  %r0 = arith.subf %z, %a : !U
  %b = arith.mulf %nf, %ln2lo : !U
  %r = arith.subf %r0, %b : !U
  %p9 = arith.mulf %k9, %r : !U
  %p8 = arith.addf %p9, %k8 : !U
  %q8 = arith.mulf %p8, %r : !U
  %p7 = arith.addf %q8, %k7 : !U
  %q7 = arith.mulf %p7, %r : !U
  %p6 = arith.addf %q7, %k6 : !U
  %q6 = arith.mulf %p6, %r : !U
  %p5 = arith.addf %q6, %k5 : !U
  %q5 = arith.mulf %p5, %r : !U
  %p4 = arith.addf %q5, %k4 : !U
  %q4 = arith.mulf %p4, %r : !U
  %p3 = arith.addf %q4, %k3 : !U
  %q3 = arith.mulf %p3, %r : !U
  %p2 = arith.addf %q3, %k2 : !U
  %q2 = arith.mulf %p2, %r : !U
  %p1 = arith.addf %q2, %one : !U
  %q1 = arith.mulf %p1, %r : !U
  %p0 = arith.addf %q1, %one : !U
  %e = arith.addi %n, %bias : tensor<8x128xi32>
  %bits = arith.shli %e, %shift : tensor<8x128xi32>
  %pow = arith.bitcast %bits : tensor<8x128xi32> to !U
  %exp = arith.mulf %p0, %pow : !U
  %den = arith.addf %one, %exp : !U
  %s = arith.divf %one, %den : !U
  return %s : !U
}
