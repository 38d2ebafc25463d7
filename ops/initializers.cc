#include "ops/initializers.h"

#include <cmath>

namespace graphflow {
namespace {

constexpr int64_t kDefaultGraphSeed = 87654321;

AttrMap SeedAttrs(std::optional<int64_t> seed, DataType dtype) {
  AttrMap attrs = {{"dtype", dtype}};
  if (seed) {
    attrs["seed"] = kDefaultGraphSeed;
    attrs["seed2"] = *seed;
  }
  return attrs;
}

Tensor ScalarOf(DataType dtype, double v) {
  return dtype == DT_DOUBLE ? Tensor::Scalar(v)
                            : Tensor::Scalar(static_cast<float>(v));
}

Output ShapeConst(const Scope& s, const TensorShape& shape) {
  Tensor t(DT_INT32, TensorShape{shape.rank()});
  for (int i = 0; i < shape.rank(); ++i) {
    t.data<int32_t>()[i] = static_cast<int32_t>(shape.dim(i));
  }
  return s.WithOpName("shape").Const(t);
}

// op(shape) * scale + offset, with TF's node names (RandomUniform, mul, add).
Output ScaledRandom(const Scope& s, const char* op, const TensorShape& shape,
                    DataType dtype, std::optional<int64_t> seed, double scale,
                    double offset) {
  Output r = s.AddOp1(op, {ShapeConst(s, shape)}, SeedAttrs(seed, dtype));
  Output mul = s.WithOpName("mul").AddOp1("Mul", {r, ScalarOf(dtype, scale)});
  return s.AddOp1("Add", {mul, ScalarOf(dtype, offset)});
}

Initializer Uniform(std::function<double(const Fans&)> limit,
                    std::optional<int64_t> seed) {
  return [=](const Scope& s, const TensorShape& shape, DataType dtype) {
    double l = limit(ComputeFans(shape));
    return ScaledRandom(s.NewSubScope("random_uniform"), "RandomUniform", shape,
                        dtype, seed, 2 * l, -l);
  };
}

Initializer Truncated(std::function<double(const Fans&)> stddev,
                      std::optional<int64_t> seed) {
  return [=](const Scope& s, const TensorShape& shape, DataType dtype) {
    return ScaledRandom(s.NewSubScope("truncated_normal"), "TruncatedNormal",
                        shape, dtype, seed, stddev(ComputeFans(shape)), 0);
  };
}

Initializer Filled(double value) {
  return [=](const Scope& s, const TensorShape& shape, DataType dtype) {
    Tensor t(dtype, shape);
    for (int64_t i = 0; i < t.num_elements(); ++i) {
      if (dtype == DT_DOUBLE) {
        t.data<double>()[i] = value;
      } else if (dtype == DT_FLOAT) {
        t.data<float>()[i] = static_cast<float>(value);
      } else if (dtype == DT_INT32) {
        t.data<int32_t>()[i] = static_cast<int32_t>(value);
      } else if (dtype == DT_INT64) {
        t.data<int64_t>()[i] = static_cast<int64_t>(value);
      }
    }
    return s.WithOpName(value == 0 ? "zeros" : "Const").Const(t);
  };
}

}  // namespace

Fans ComputeFans(const TensorShape& shape) {
  Fans f;
  int r = shape.rank();
  if (r == 0) return f;
  f.in = r > 1 ? shape.dim(r - 2) : shape.dim(r - 1);
  f.out = shape.dim(r - 1);
  for (int i = 0; i + 2 < r; ++i) {
    f.in *= shape.dim(i);
    f.out *= shape.dim(i);
  }
  return f;
}

namespace init {

Initializer Zeros() { return Filled(0); }
Initializer Ones() { return Filled(1); }
Initializer Constant(double value) { return Filled(value); }

Initializer XavierUniform(std::optional<int64_t> seed) {
  return Uniform([](const Fans& f) { return std::sqrt(6.0 / (f.in + f.out)); },
                 seed);
}

Initializer XavierNormal(std::optional<int64_t> seed) {
  return Truncated(
      [](const Fans& f) { return std::sqrt(1.3 * 2.0 / (f.in + f.out)); },
      seed);
}

Initializer HeNormal(std::optional<int64_t> seed) {
  return Truncated([](const Fans& f) { return std::sqrt(1.3 * 2.0 / f.in); },
                   seed);
}

Initializer HeUniform(std::optional<int64_t> seed) {
  return Uniform([](const Fans& f) { return std::sqrt(6.0 / f.in); }, seed);
}

Initializer TruncatedNormal(double mean, double stddev,
                            std::optional<int64_t> seed) {
  return [=](const Scope& s, const TensorShape& shape, DataType dtype) {
    return ScaledRandom(s.NewSubScope("truncated_normal"), "TruncatedNormal",
                        shape, dtype, seed, stddev, mean);
  };
}

Initializer RandomNormal(double mean, double stddev,
                         std::optional<int64_t> seed) {
  return [=](const Scope& s, const TensorShape& shape, DataType dtype) {
    return ScaledRandom(s.NewSubScope("random_normal"), "RandomStandardNormal",
                        shape, dtype, seed, stddev, mean);
  };
}

Initializer RandomUniform(double minval, double maxval,
                          std::optional<int64_t> seed) {
  return [=](const Scope& s, const TensorShape& shape, DataType dtype) {
    return ScaledRandom(s.NewSubScope("random_uniform"), "RandomUniform", shape,
                        dtype, seed, maxval - minval, minval);
  };
}

}  // namespace init
}  // namespace graphflow
