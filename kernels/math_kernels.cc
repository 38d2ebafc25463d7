// Kernels of ops/math_ops.cc: Select, Cast, AddN and BroadcastGradientArgs
// here; the element-wise ones in cwise_binary_kernels.cc and
// cwise_unary_kernels.cc.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "kernels/broadcast.h"
#include "kernels/cwise_ops.h"

namespace graphflow {
namespace {

using AllTypes = cwise::TypeList<float, double, int32_t, int64_t, uint8_t,
                                 int8_t, int16_t, uint16_t, bool>;

// TF 1.x Select: a scalar condition picks a whole input; a vector condition
// picks rows of t/e (when they are not vectors); else element-wise.
absl::Status SelectKernel(KernelContext& ctx) {
  const Tensor& cond = ctx.input(0);
  const Tensor& t = ctx.input(1);
  const Tensor& e = ctx.input(2);
  if (t.shape() != e.shape()) {
    return ctx.InvalidArgument(absl::StrCat(
        "'then' and 'else' must have the same size. but received: ",
        t.shape().DebugString(), " vs. ", e.shape().DebugString()));
  }
  if (cond.rank() == 0) {
    ctx.SetOutput(0, *cond.data<bool>() ? t : e);  // Shares the buffer.
    return absl::OkStatus();
  }
  const bool by_row = cond.rank() == 1 && t.rank() != 1;
  if (by_row) {
    if (t.rank() == 0) {
      return ctx.InvalidArgument(
          absl::StrCat("'then' must be at least a vector, but saw shape: ",
                       t.shape().DebugString()));
    }
    if (t.dim(0) != cond.dim(0)) {
      return ctx.InvalidArgument(absl::StrCat(
          "Number of batches of 'then' must match size of 'cond', but saw: ",
          t.dim(0), " vs. ", cond.dim(0)));
    }
  } else if (cond.shape() != t.shape()) {
    return ctx.InvalidArgument(absl::StrCat(
        "'cond' and 'then' must have the same size. but received: ",
        cond.shape().DebugString(), " vs. ", t.shape().DebugString()));
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, t.shape()));
  if (out->num_elements() == 0) return absl::OkStatus();
  const bool* c = cond.data<bool>();
  if (by_row) {
    const size_t row_bytes = out->total_bytes() / cond.dim(0);
    const auto* tb = static_cast<const char*>(t.raw_data());
    const auto* eb = static_cast<const char*>(e.raw_data());
    auto* ob = static_cast<char*>(out->raw_data());
    ParallelFor(ctx.device(), cond.dim(0), row_bytes * 0.25 + 10,
                [&](int64_t begin, int64_t end) {
                  for (int64_t r = begin; r < end; ++r) {
                    std::memcpy(ob + r * row_bytes,
                                (c[r] ? tb : eb) + r * row_bytes, row_bytes);
                  }
                });
    return absl::OkStatus();
  }
  return cwise::Dispatch<AllTypes>(ctx, t.dtype(), [&]<typename T>() {
    const T* tv = t.data<T>();
    const T* ev = e.data<T>();
    T* ov = out->data<T>();
    ParallelFor(ctx.device(), out->num_elements(), 1,
                [&](int64_t begin, int64_t end) {
                  for (int64_t i = begin; i < end; ++i) {
                    ov[i] = c[i] ? tv[i] : ev[i];
                  }
                });
    return absl::OkStatus();
  });
}

absl::Status CastKernel(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  DataType dst;
  RETURN_IF_ERROR(ctx.GetAttr("DstT", &dst));
  if (x.dtype() == dst) {
    ctx.SetOutput(0, x);
    return absl::OkStatus();
  }
  return cwise::Dispatch<AllTypes>(ctx, x.dtype(), [&]<typename From>() {
    return cwise::Dispatch<AllTypes>(
        ctx, dst, [&]<typename To>() -> absl::Status {
          ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, dst, x.shape()));
          const From* in = x.data<From>();
          To* out = y->data<To>();
          ParallelFor(ctx.device(), x.num_elements(), 1,
                      [&](int64_t begin, int64_t end) {
                        for (int64_t i = begin; i < end; ++i) {
                          out[i] = cwise::CastValue<To>(in[i]);
                        }
                      });
          return absl::OkStatus();
        });
  });
}

absl::Status AddNKernel(KernelContext& ctx) {
  const int n = ctx.num_inputs();
  const Tensor& first = ctx.input(0);
  for (int i = 1; i < n; ++i) {
    if (ctx.input(i).shape() != first.shape()) {
      return ctx.InvalidArgument(
          absl::StrCat("inputs must have the same shape: input 0 is ",
                       first.shape().DebugString(), ", input ", i, " is ",
                       ctx.input(i).shape().DebugString()));
    }
  }
  if (n == 1) {
    ctx.SetOutput(0, first);
    return absl::OkStatus();
  }
  return cwise::Dispatch<cwise::NumericTypes>(
      ctx, first.dtype(), [&]<typename T>() -> absl::Status {
        ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, first.shape()));
        T* z = out->data<T>();
        const cwise::Add<T> add;
        // Per shard, stream through the inputs pairwise (vectorized loops).
        ParallelFor(ctx.device(), first.num_elements(), n - 1,
                    [&](int64_t begin, int64_t end) {
                      const int64_t len = end - begin;
                      BinarySegment(ctx.input(0).data<T>() + begin, 1,
                                    ctx.input(1).data<T>() + begin, 1,
                                    z + begin, len, add);
                      for (int i = 2; i < n; ++i) {
                        const T* in = ctx.input(i).data<T>() + begin;
                        T* acc = z + begin;
                        for (int64_t k = 0; k < len; ++k) {
                          acc[k] = add(acc[k], in[k]);
                        }
                      }
                    });
        return absl::OkStatus();
      });
}

// TF's BCast reduction indices: dims where one side is 1 and the other is
// not reduce that side; dims where both are 1 reduce both, except that
// identical shapes reduce nothing.
void GradientReduceIndices(const std::vector<int64_t>& sx,
                           const std::vector<int64_t>& sy,
                           std::vector<int64_t>* rx, std::vector<int64_t>* ry,
                           bool* valid) {
  *valid = true;
  if (sx == sy) return;
  const int n = static_cast<int>(std::max(sx.size(), sy.size()));
  for (int i = 0; i < n; ++i) {  // Output dim i, aligned from the right.
    const int ix = i - (n - static_cast<int>(sx.size()));
    const int iy = i - (n - static_cast<int>(sy.size()));
    const int64_t x = ix >= 0 ? sx[ix] : 1, y = iy >= 0 ? sy[iy] : 1;
    if (x == y) {
      if (x == 1) {
        rx->push_back(i);
        ry->push_back(i);
      }
    } else if (x == 1) {
      rx->push_back(i);
    } else if (y == 1) {
      ry->push_back(i);
    } else {
      *valid = false;
      return;
    }
  }
}

absl::Status BroadcastGradientArgsKernel(KernelContext& ctx) {
  using IntTypes = cwise::TypeList<int32_t, int64_t>;
  return cwise::Dispatch<IntTypes>(
      ctx, ctx.input(0).dtype(), [&]<typename T>() -> absl::Status {
        std::vector<int64_t> shapes[2];
        for (int i = 0; i < 2; ++i) {
          const Tensor& in = ctx.input(i);
          if (in.rank() != 1) {
            return ctx.InvalidArgument(absl::StrCat(
                "In[", i, "] must be a vector.", in.shape().DebugString()));
          }
          for (T d : in.flat<T>()) {
            if (d < 0) {
              return ctx.InvalidArgument(
                  absl::StrCat("In[", i, "] has a negative dimension: ", d));
            }
            shapes[i].push_back(d);
          }
        }
        std::vector<int64_t> r0, r1;
        bool valid;
        GradientReduceIndices(shapes[0], shapes[1], &r0, &r1, &valid);
        if (!valid) {
          return ctx.InvalidArgument(absl::StrCat(
              "Incompatible shapes: [", absl::StrJoin(shapes[0], ","),
              "] vs. [", absl::StrJoin(shapes[1], ","), "]"));
        }
        int k = 0;
        for (const std::vector<int64_t>* r : {&r0, &r1}) {
          ASSIGN_OR_RETURN(
              Tensor * out,
              ctx.AllocateOutput(k++, {static_cast<int64_t>(r->size())}));
          std::copy(r->begin(), r->end(), out->data<T>());
        }
        return absl::OkStatus();
      });
}

}  // namespace

absl::Status RegisterMathKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(RegisterCwiseBinaryKernels(r));
  RETURN_IF_ERROR(RegisterCwiseUnaryKernels(r));
  RETURN_IF_ERROR(r.Register("Select", SelectKernel));
  RETURN_IF_ERROR(r.Register("Cast", CastKernel));
  RETURN_IF_ERROR(r.Register("AddN", AddNKernel));
  RETURN_IF_ERROR(
      r.Register("BroadcastGradientArgs", BroadcastGradientArgsKernel));
  return absl::OkStatus();
}

}  // namespace graphflow
