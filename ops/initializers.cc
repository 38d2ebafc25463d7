#include "ops/initializers.h"

#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace graphflow {
namespace {

constexpr int64_t kDefaultGraphSeed = 87654321;
constexpr int64_t kMaxInt32 = 2147483647;
// TF's array_ops.zeros/ones: a Const below this many elements, else a Fill
// (keeps GraphDefs small).
constexpr int64_t kSmallConstant = 1000;

Tensor ScalarOf(DataType dtype, double v) {
  switch (dtype) {
    case DT_DOUBLE:
      return Tensor::Scalar(v);
    case DT_INT32:
      return Tensor::Scalar(static_cast<int32_t>(v));
    case DT_INT64:
      return Tensor::Scalar(static_cast<int64_t>(v));
    default:
      return Tensor::Scalar(static_cast<float>(v));
  }
}

Tensor ShapeTensor(const TensorShape& shape) {
  Tensor t(DT_INT32, TensorShape{shape.rank()});
  for (int i = 0; i < shape.rank(); ++i) {
    t.data<int32_t>()[i] = static_cast<int32_t>(shape.dim(i));
  }
  return t;
}

// RandomUniformRange of a static shape, given as the Const "shape".
Output UniformRange(const Scope& s, const TensorShape& shape, DataType dtype,
                    const Seed& seed, double minval, double maxval) {
  Output shape_t = s.WithOpName("shape").Const(ShapeTensor(shape));
  return RandomUniformRange(s, shape_t, dtype, seed, minval, maxval);
}

// TF's truncated_normal / random_normal: shape, mean, stddev, the random
// op, mul and the Add named after the scope.
Output NormalLike(const Scope& s, const char* op, const TensorShape& shape,
                  DataType dtype, const Seed& seed, double mean,
                  double stddev) {
  Output shape_t = s.WithOpName("shape").Const(ShapeTensor(shape));
  Output mean_t = s.WithOpName("mean").Const(ScalarOf(dtype, mean));
  Output stddev_t = s.WithOpName("stddev").Const(ScalarOf(dtype, stddev));
  auto [seed1, seed2] = seed.Resolve(*s.graph());
  Output rnd = s.AddOp1(op, {shape_t},
                        {{"dtype", dtype}, {"seed", seed1}, {"seed2", seed2}});
  Output mul = s.WithOpName("mul").AddOp1("Mul", {rnd, stddev_t});
  return s.WithExactName(s.name_prefix()).AddOp1("Add", {mul, mean_t});
}

Initializer Uniform(std::function<double(const Fans&)> limit, Seed seed) {
  return [=](const Scope& s, const TensorShape& shape, DataType dtype) {
    double l = limit(ComputeFans(shape));
    return UniformRange(s.NewSubScope("random_uniform"), shape, dtype, seed, -l,
                        l);
  };
}

Initializer Truncated(std::function<double(const Fans&)> stddev, Seed seed) {
  return [=](const Scope& s, const TensorShape& shape, DataType dtype) {
    return NormalLike(s.NewSubScope("truncated_normal"), "TruncatedNormal",
                      shape, dtype, seed, 0, stddev(ComputeFans(shape)));
  };
}

// `value` everywhere, named `name`: a Const when small, else
// Fill(name/shape_as_tensor, name/Const) like TF's zeros and ones.
Initializer Filled(double value, const char* name) {
  return [=](const Scope& s, const TensorShape& shape,
             DataType dtype) -> Output {
    if (dtype != DT_FLOAT && dtype != DT_DOUBLE && dtype != DT_INT32 &&
        dtype != DT_INT64) {
      s.UpdateStatus(absl::InvalidArgumentError(
          absl::StrCat("constant initializer for ", s.name_prefix(),
                       ": unsupported dtype ", DataTypeString(dtype))));
      return Output();
    }
    Tensor scalar = ScalarOf(dtype, value);
    if (shape.num_elements() >= kSmallConstant) {
      Scope fs = s.NewSubScope(name);
      Output dims = fs.WithOpName("shape_as_tensor").Const(ShapeTensor(shape));
      Output v = fs.WithOpName("Const").Const(scalar);
      return fs.WithExactName(fs.name_prefix()).AddOp1("Fill", {dims, v});
    }
    Tensor t(dtype, shape);
    for (int64_t i = 0; i < t.num_elements(); ++i) {
      std::memcpy(static_cast<char*>(t.raw_data()) + i * DataTypeSize(dtype),
                  scalar.raw_data(), DataTypeSize(dtype));
    }
    return s.WithOpName(name).Const(t);
  };
}

}  // namespace

Output RandomUniformRange(const Scope& s, Input shape, DataType dtype,
                          const Seed& seed, double minval, double maxval) {
  Output min = s.WithOpName("min").Const(ScalarOf(dtype, minval));
  Output max = s.WithOpName("max").Const(ScalarOf(dtype, maxval));
  auto [seed1, seed2] = seed.Resolve(*s.graph());
  Output rnd = s.AddOp1("RandomUniform", {std::move(shape)},
                        {{"dtype", dtype}, {"seed", seed1}, {"seed2", seed2}});
  // (max - min) in the variable's dtype, as TF computes it.
  Output range = s.WithOpName("sub").AddOp1("Sub", {max, min});
  Output mul = s.WithOpName("mul").AddOp1("Mul", {rnd, range});
  return s.WithExactName(s.name_prefix()).AddOp1("Add", {mul, min});
}

std::pair<int64_t, int64_t> Seed::Resolve(const Graph& g) const {
  std::pair<int64_t, int64_t> seeds;
  if (graph && op) {
    seeds = {*graph, *op};
  } else if (graph) {
    seeds = {*graph, g.num_nodes()};
  } else if (op) {
    seeds = {kDefaultGraphSeed, *op};
  } else {
    return {0, 0};
  }
  // (0, 0) means "nondeterministic" to the kernels.
  if (seeds.first == 0 && seeds.second == 0) seeds.second = kMaxInt32;
  return seeds;
}

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

Initializer Zeros() { return Filled(0, "zeros"); }
Initializer Ones() { return Filled(1, "ones"); }
Initializer Constant(double value) { return Filled(value, "Const"); }

Initializer XavierUniform(Seed seed) {
  return Uniform([](const Fans& f) { return std::sqrt(6.0 / (f.in + f.out)); },
                 seed);
}

Initializer XavierNormal(Seed seed) {
  return Truncated(
      [](const Fans& f) { return std::sqrt(1.3 * 2.0 / (f.in + f.out)); },
      seed);
}

Initializer HeNormal(Seed seed) {
  return Truncated([](const Fans& f) { return std::sqrt(1.3 * 2.0 / f.in); },
                   seed);
}

Initializer HeUniform(Seed seed) {
  return Uniform([](const Fans& f) { return std::sqrt(6.0 / f.in); }, seed);
}

Initializer TruncatedNormal(double mean, double stddev, Seed seed) {
  return [=](const Scope& s, const TensorShape& shape, DataType dtype) {
    return NormalLike(s.NewSubScope("truncated_normal"), "TruncatedNormal",
                      shape, dtype, seed, mean, stddev);
  };
}

Initializer RandomNormal(double mean, double stddev, Seed seed) {
  return [=](const Scope& s, const TensorShape& shape, DataType dtype) {
    return NormalLike(s.NewSubScope("random_normal"), "RandomStandardNormal",
                      shape, dtype, seed, mean, stddev);
  };
}

Initializer RandomUniform(double minval, double maxval, Seed seed) {
  return [=](const Scope& s, const TensorShape& shape, DataType dtype) {
    return UniformRange(s.NewSubScope("random_uniform"), shape, dtype, seed,
                        minval, maxval);
  };
}

}  // namespace init
}  // namespace graphflow
