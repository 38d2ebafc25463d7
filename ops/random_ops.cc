#include "ops/random_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// The output shape is the value of the 1-D shape input when known at graph
// time; its length alone gives the rank otherwise.
absl::Status RandomShape(InferenceContext& c) {
  if (!c.WithRank(0, 1).ok()) {
    return c.Error(absl::StrCat("shape must be a 1-D tensor, got shape ",
                                c.input_shape(0).DebugString()));
  }
  PartialShape shape = c.ShapeFromInputTensor(0);
  if (shape.known_rank()) {
    for (int64_t d : shape.dims()) {
      if (d < -1) {
        return c.Error(absl::StrCat("shape ", shape.DebugString(),
                                    " has a negative dimension"));
      }
    }
  }
  c.set_output(0, std::move(shape));
  return absl::OkStatus();
}

absl::Status RandomUniformIntShape(InferenceContext& c) {
  for (int i : {1, 2}) {
    if (!c.WithRank(i, 0).ok()) {
      return c.Error(absl::StrCat(i == 1 ? "minval" : "maxval",
                                  " must be a scalar, got shape ",
                                  c.input_shape(i).DebugString()));
    }
  }
  return RandomShape(c);
}

OpDefBuilder RandomFloatOp(const char* name) {
  return OpDefBuilder(name)
      .Input("shape: T")
      .SetIsStateful()
      .Output("output: dtype")
      .Attr("seed: int = 0")
      .Attr("seed2: int = 0")
      .Attr("dtype: {half, bfloat16, float, double}")
      .Attr("T: {int32, int64}")
      .SetShapeFn(RandomShape)
      .SetNoGradient();
}

}  // namespace

absl::Status RegisterRandomOps(OpRegistry& r) {
  for (const char* op :
       {"RandomUniform", "RandomStandardNormal", "TruncatedNormal"}) {
    RETURN_IF_ERROR(r.Register(RandomFloatOp(op)));
  }
  RETURN_IF_ERROR(r.Register(OpDefBuilder("RandomUniformInt")
                                 .Input("shape: T")
                                 .Input("minval: Tout")
                                 .Input("maxval: Tout")
                                 .SetIsStateful()
                                 .Output("output: Tout")
                                 .Attr("seed: int = 0")
                                 .Attr("seed2: int = 0")
                                 .Attr("Tout: {int32, int64}")
                                 .Attr("T: {int32, int64}")
                                 .SetShapeFn(RandomUniformIntShape)
                                 .SetNoGradient()));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("RandomShuffle")
                                 .Input("value: T")
                                 .SetIsStateful()
                                 .Output("output: T")
                                 .Attr("seed: int = 0")
                                 .Attr("seed2: int = 0")
                                 .Attr("T: type")
                                 .SetShapeFn(UnchangedShape)
                                 .SetNoGradient()));
  return absl::OkStatus();
}

namespace ops {
namespace {

AttrMap Seeds(int64_t seed, int64_t seed2) {
  return {{"seed", seed}, {"seed2", seed2}};
}

Output RandomFloat(const Scope& s, const char* op, Input shape, DataType dtype,
                   int64_t seed, int64_t seed2) {
  AttrMap attrs = Seeds(seed, seed2);
  attrs["dtype"] = dtype;
  return s.AddOp1(op, {shape}, std::move(attrs));
}

}  // namespace

Output RandomUniform(const Scope& s, Input shape, DataType dtype, int64_t seed,
                     int64_t seed2) {
  return RandomFloat(s, "RandomUniform", shape, dtype, seed, seed2);
}

Output RandomStandardNormal(const Scope& s, Input shape, DataType dtype,
                            int64_t seed, int64_t seed2) {
  return RandomFloat(s, "RandomStandardNormal", shape, dtype, seed, seed2);
}

Output TruncatedNormal(const Scope& s, Input shape, DataType dtype,
                       int64_t seed, int64_t seed2) {
  return RandomFloat(s, "TruncatedNormal", shape, dtype, seed, seed2);
}

Output RandomUniformInt(const Scope& s, Input shape, Input minval, Input maxval,
                        int64_t seed, int64_t seed2) {
  return s.AddOp1("RandomUniformInt", {shape, minval, maxval},
                  Seeds(seed, seed2));
}

Output RandomShuffle(const Scope& s, Input value, int64_t seed, int64_t seed2) {
  return s.AddOp1("RandomShuffle", {value}, Seeds(seed, seed2));
}

}  // namespace ops
}  // namespace graphflow
