//===- X86Ops.cpp - x86 instructions codegen needs ------------------------===//

#include "Anybit/X86Ops.h"

#define GET_OP_CLASSES
#include "Anybit/AnybitX86Ops.cpp.inc"
