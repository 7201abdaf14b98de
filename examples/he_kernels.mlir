// Homomorphic-encryption kernels on residues modulo the 30-bit NTT prime
// Q = 2^30 - 2^18 + 1. test/examples/check_examples.py checks them against
// Python's integers; scripts/main.sh runs them with BAT.
!q = !modarith.int<1073479681 : i32>

// a * b modulo (X^256 + 1, Q): forward negacyclic NTTs, a pointwise
// product, the inverse NTT.
func.func @polymul(%a: tensor<256x!q>, %b: tensor<256x!q>) -> tensor<256x!q> {
  %fa = modarith.ntt %a : tensor<256x!q>
  %fb = modarith.ntt %b : tensor<256x!q>
  %p = modarith.mul %fa, %fb : tensor<256x!q>
  %c = modarith.intt %p : tensor<256x!q>
  return %c : tensor<256x!q>
}

// y = T x mod Q with a constant matrix, T[i][j] = (16 i + j + 1) *
// 2654435761 mod Q; with --modarith-bat it becomes int8 matrix products
// over the bytes of T and x (the CROSS paper's BAT).
func.func @matvec(%x: tensor<16x!q>) -> tensor<16x!q> {
  %t = modarith.constant dense<[[507476399, 1014952798, 448949516, 956425915, 390422633, 897899032, 331895750, 839372149, 273368867, 780845266, 214841984, 722318383, 156315101, 663791500, 97788218, 605264617],
     [39261335, 546737734, 1054214133, 488210851, 995687250, 429683968, 937160367, 371157085, 878633484, 312630202, 820106601, 254103319, 761579718, 195576436, 703052835, 137049553],
     [644525952, 78522670, 585999069, 19995787, 527472186, 1034948585, 468945303, 976421702, 410418420, 917894819, 351891537, 859367936, 293364654, 800841053, 234837771, 742314170],
     [176310888, 683787287, 117784005, 625260404, 59257122, 566733521, 730239, 508206638, 1015683037, 449679755, 957156154, 391152872, 898629271, 332625989, 840102388, 274099106],
     [781575505, 215572223, 723048622, 157045340, 664521739, 98518457, 605994856, 39991574, 547467973, 1054944372, 488941090, 996417489, 430414207, 937890606, 371887324, 879363723],
     [313360441, 820836840, 254833558, 762309957, 196306675, 703783074, 137779792, 645256191, 79252909, 586729308, 20726026, 528202425, 1035678824, 469675542, 977151941, 411148659],
     [918625058, 352621776, 860098175, 294094893, 801571292, 235568010, 743044409, 177041127, 684517526, 118514244, 625990643, 59987361, 567463760, 1460478, 508936877, 1016413276],
     [450409994, 957886393, 391883111, 899359510, 333356228, 840832627, 274829345, 782305744, 216302462, 723778861, 157775579, 665251978, 99248696, 606725095, 40721813, 548198212],
     [1055674611, 489671329, 997147728, 431144446, 938620845, 372617563, 880093962, 314090680, 821567079, 255563797, 763040196, 197036914, 704513313, 138510031, 645986430, 79983148],
     [587459547, 21456265, 528932664, 1036409063, 470405781, 977882180, 411878898, 919355297, 353352015, 860828414, 294825132, 802301531, 236298249, 743774648, 177771366, 685247765],
     [119244483, 626720882, 60717600, 568193999, 2190717, 509667116, 1017143515, 451140233, 958616632, 392613350, 900089749, 334086467, 841562866, 275559584, 783035983, 217032701],
     [724509100, 158505818, 665982217, 99978935, 607455334, 41452052, 548928451, 1056404850, 490401568, 997877967, 431874685, 939351084, 373347802, 880824201, 314820919, 822297318],
     [256294036, 763770435, 197767153, 705243552, 139240270, 646716669, 80713387, 588189786, 22186504, 529662903, 1037139302, 471136020, 978612419, 412609137, 920085536, 354082254],
     [861558653, 295555371, 803031770, 237028488, 744504887, 178501605, 685978004, 119974722, 627451121, 61447839, 568924238, 2920956, 510397355, 1017873754, 451870472, 959346871],
     [393343589, 900819988, 334816706, 842293105, 276289823, 783766222, 217762940, 725239339, 159236057, 666712456, 100709174, 608185573, 42182291, 549658690, 1057135089, 491131807],
     [998608206, 432604924, 940081323, 374078041, 881554440, 315551158, 823027557, 257024275, 764500674, 198497392, 705973791, 139970509, 647446908, 81443626, 588920025, 22916743]]> : tensor<16x16x!q>
  %y = modarith.matmul %t, %x : tensor<16x16x!q>, tensor<16x!q> -> tensor<16x!q>
  return %y : tensor<16x!q>
}

// The same negacyclic product for N = 64 on integers modulo
// P = 1073479681 * 998244353 (about 2^60), held in the residue number
// system: limb l of an RNS tensor is the residues modulo q_l. Limb-wise
// ops act on both limbs at once; each limb's transform runs on it as a
// tensor of !modarith.int<q_l>. check_examples.py rebuilds the integers
// modulo P by the Chinese remainder theorem.
!rns = tensor<2x64xi32, #modarith.rns<[1073479681, 998244353]>>
!q1 = !modarith.int<1073479681 : i32>
!q2 = !modarith.int<998244353 : i32>
func.func @rns_polymul(%a: !rns, %b: !rns) -> (!rns, !rns) {
  %sum = modarith.add %a, %b : !rns
  %aw = modarith.extract %a : !rns -> tensor<2x64xi32>
  %bw = modarith.extract %b : !rns -> tensor<2x64xi32>
  %a1w = tensor.extract_slice %aw[0, 0] [1, 64] [1, 1] : tensor<2x64xi32> to tensor<64xi32>
  %b1w = tensor.extract_slice %bw[0, 0] [1, 64] [1, 1] : tensor<2x64xi32> to tensor<64xi32>
  %a1 = modarith.encapsulate %a1w : tensor<64xi32> -> tensor<64x!q1>
  %b1 = modarith.encapsulate %b1w : tensor<64xi32> -> tensor<64x!q1>
  %fa1 = modarith.ntt %a1 : tensor<64x!q1>
  %fb1 = modarith.ntt %b1 : tensor<64x!q1>
  %p1 = modarith.mul %fa1, %fb1 : tensor<64x!q1>
  %c1 = modarith.intt %p1 : tensor<64x!q1>
  %c1w = modarith.extract %c1 : tensor<64x!q1> -> tensor<64xi32>
  %a2w = tensor.extract_slice %aw[1, 0] [1, 64] [1, 1] : tensor<2x64xi32> to tensor<64xi32>
  %b2w = tensor.extract_slice %bw[1, 0] [1, 64] [1, 1] : tensor<2x64xi32> to tensor<64xi32>
  %a2 = modarith.encapsulate %a2w : tensor<64xi32> -> tensor<64x!q2>
  %b2 = modarith.encapsulate %b2w : tensor<64xi32> -> tensor<64x!q2>
  %fa2 = modarith.ntt %a2 : tensor<64x!q2>
  %fb2 = modarith.ntt %b2 : tensor<64x!q2>
  %p2 = modarith.mul %fa2, %fb2 : tensor<64x!q2>
  %c2 = modarith.intt %p2 : tensor<64x!q2>
  %c2w = modarith.extract %c2 : tensor<64x!q2> -> tensor<64xi32>
  %empty = tensor.empty() : tensor<2x64xi32>
  %with1 = tensor.insert_slice %c1w into %empty[0, 0] [1, 64] [1, 1] : tensor<64xi32> into tensor<2x64xi32>
  %with2 = tensor.insert_slice %c2w into %with1[1, 0] [1, 64] [1, 1] : tensor<64xi32> into tensor<2x64xi32>
  %product = modarith.encapsulate %with2 : tensor<2x64xi32> -> !rns
  return %product, %sum : !rns, !rns
}
