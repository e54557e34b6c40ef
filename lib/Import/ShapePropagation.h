//===- ShapePropagation.h - Reshape targets computed from shapes -*- C++
//-*-===//
//
// A model exported with a dynamic batch computes its Reshape targets from
// its tensors' shapes (Shape, Gather, Div, Cast, Unsqueeze, Concat: a
// channel shuffle's [N, groups, C / groups, H, W]; Where, Equal and
// ConstantOfShape: `expand(n, -1, -1)`; Mod, Slice and Transpose: a
// window attention's computed pads). ONNX 1.12's data propagation stops at
// most of these, so the ops that read them come out with no shape, and
// neither does anything after them. This evaluates such computations on
// small int64 and bool tensors (SizeEvaluation.h), folds those that come
// out constant (a Pad's pads, a Slice's bounds from a static channel
// count) and records a Reshape's or an Expand's result shape where every
// element of its target is known.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_LIB_IMPORT_SHAPEPROPAGATION_H
#define SMELT_LIB_IMPORT_SHAPEPROPAGATION_H

#include "onnx/onnx_pb.h"

namespace smelt::detail {

/// Replaces each size computation of `graph` whose result follows from
/// static dims alone by a Constant, and gives each Reshape or Expand whose
/// result ONNX's inference left with fewer sizes the shape its target
/// evaluates to, as value_info (named dimensions for those known only at run
/// time). Returns whether it changed anything; ONNX's inference then carries
/// it on.
bool propagateReshapeShapes(::onnx::GraphProto &graph);

} // namespace smelt::detail

#endif // SMELT_LIB_IMPORT_SHAPEPROPAGATION_H
