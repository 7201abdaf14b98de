//===- TransformRows.cpp - What the NTT lowerings share -------------------===//

#include "TransformRows.h"

#include "ModArith/NumberTheory.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace anybit::modarith {

CyclicForm CyclicForm::get(uint64_t q, int64_t n, uint64_t root, bool cyclic,
                           bool inverse) {
  CyclicForm form{q, n, cyclic ? root : mulMod(root, root, q)};
  if (!inverse) {
    if (!cyclic)
      form.preRatio = root;
    return form;
  }
  form.omega = *inverseMod(form.omega, q);
  form.post = *inverseMod(uint64_t(n) % q, q);
  if (!cyclic)
    form.postRatio = *inverseMod(root, q);
  return form;
}

SmallVector<uint64_t> geometric(uint64_t scale, uint64_t ratio, int64_t count,
                                uint64_t q) {
  SmallVector<uint64_t> values(count);
  uint64_t v = scale % q;
  for (int64_t j = 0; j < count; ++j, v = mulMod(v, ratio, q))
    values[j] = v;
  return values;
}

SmallVector<uint64_t> CyclicForm::preFactors() const {
  return geometric(1, preRatio, n, q);
}

SmallVector<uint64_t> CyclicForm::postFactors() const {
  return geometric(post, postRatio, n, q);
}

/// Words of `residue`'s storage type holding `values`, as a dense attribute.
static DenseIntElementsAttr words(ModIntType residue, ArrayRef<int64_t> shape,
                                  ArrayRef<uint64_t> values) {
  SmallVector<APInt> bits;
  for (uint64_t v : values)
    bits.push_back(APInt(residue.getWidth(), v));
  return DenseIntElementsAttr::get(
      RankedTensorType::get(shape, residue.getStorageType()), bits);
}

Value residueConstant(OpBuilder &b, Location loc, ModIntType residue,
                      ArrayRef<int64_t> shape, ArrayRef<uint64_t> values) {
  return ConstantOp::create(b, loc, RankedTensorType::get(shape, residue),
                            words(residue, shape, values));
}

Value shoupCompanions(OpBuilder &b, Location loc, ModIntType residue,
                      ArrayRef<int64_t> shape, ArrayRef<uint64_t> values) {
  uint64_t q = residue.getModulus();
  unsigned width = residue.getWidth();
  if (!shoupFits(q, width))
    return Value();
  SmallVector<uint64_t> companions;
  for (uint64_t v : values)
    companions.push_back(shoupCompanion(v, q, width));
  return arith::ConstantOp::create(b, loc, words(residue, shape, companions));
}

void replaceRowByRow(PatternRewriter &rewriter, Operation *op,
                     function_ref<Value(Value row)> transformRow) {
  Value x = op->getOperand(0);
  auto type = cast<RankedTensorType>(x.getType());
  Type residue = type.getElementType();
  int64_t n = type.getShape().back();
  int64_t batch = type.getNumElements() / n;
  Location loc = op->getLoc();

  // Rows as [batch, N].
  auto rows = RankedTensorType::get({batch, n}, residue);
  SmallVector<ReassociationIndices> toRows(2);
  for (int64_t d = 0; d + 1 < type.getRank(); ++d)
    toRows[0].push_back(d);
  toRows[1].push_back(type.getRank() - 1);
  if (type.getRank() == 1)
    x = tensor::ExpandShapeOp::create(rewriter, loc, rows, x,
                                      ArrayRef<ReassociationIndices>{{0, 1}});
  else if (type.getRank() > 2)
    x = tensor::CollapseShapeOp::create(rewriter, loc, rows, x, toRows);

  if (batch == 1) {
    x = transformRow(x);
  } else {
    Value init = tensor::EmptyOp::create(rewriter, loc, {batch, n}, residue);
    auto forall = scf::ForallOp::create(
        rewriter, loc, ArrayRef<OpFoldResult>{rewriter.getIndexAttr(batch)},
        ValueRange{init}, std::nullopt);
    Block *body = forall.getBody();
    PatternRewriter::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(body);
    SmallVector<OpFoldResult> offsets = {body->getArgument(0),
                                         rewriter.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes = {rewriter.getIndexAttr(1),
                                       rewriter.getIndexAttr(n)};
    SmallVector<OpFoldResult> strides(2, rewriter.getIndexAttr(1));
    Value row = tensor::ExtractSliceOp::create(
        rewriter, loc, RankedTensorType::get({1, n}, residue), x, offsets,
        sizes, strides);
    Value result = transformRow(row);
    rewriter.setInsertionPointToStart(forall.getTerminator().getBody());
    tensor::ParallelInsertSliceOp::create(rewriter, loc, result,
                                          body->getArgument(1), offsets, sizes,
                                          strides);
    x = forall.getResult(0);
  }

  if (type.getRank() == 1)
    x = tensor::CollapseShapeOp::create(
        rewriter, loc, type, x, ArrayRef<ReassociationIndices>{{0, 1}});
  else if (type.getRank() > 2)
    x = tensor::ExpandShapeOp::create(rewriter, loc, type, x, toRows);
  rewriter.replaceOp(op, x);
}

} // namespace anybit::modarith
