#include "graph/tensor.h"

#include "google/protobuf/text_format.h"
#include "graph/tensor_proto.h"
#include "gtest/gtest.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

tensorflow::TensorProto ParseProto(const std::string& text) {
  tensorflow::TensorProto p;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &p)) << text;
  return p;
}

TEST(TensorTest, BufferIsAlignedAndShared) {
  Tensor t(DT_FLOAT, {3, 5});
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.raw_data()) % 64, 0u);
  Tensor copy = t;
  EXPECT_TRUE(copy.SharesBufferWith(t));
  EXPECT_FALSE(t.RefCountIsOne());
  Tensor deep = t.Clone();
  EXPECT_FALSE(deep.SharesBufferWith(t));
}

TEST(TensorTest, ReshapedKeepsBufferAndChecksCount) {
  Tensor t = Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  auto r = t.Reshaped({3, 2});
  ASSERT_OK(r.status());
  EXPECT_TRUE(r->SharesBufferWith(t));
  EXPECT_FALSE(t.Reshaped({4}).ok());
}

TEST(TensorTest, AllocateRejectsHugeAndNegativeShapes) {
  EXPECT_EQ(
      Tensor::Allocate(DT_FLOAT, TensorShape{int64_t{1} << 40}).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(TensorShape::Make({2, -3}).ok());
  EXPECT_FALSE(TensorShape::Make({int64_t{1} << 20, int64_t{1} << 20}).ok());
}

TEST(TensorProtoTest, TypedValuesWithSplat) {
  auto t = TensorFromProto(ParseProto(
      "dtype: DT_FLOAT tensor_shape { dim { size: 2 } dim { size: 3 } } "
      "float_val: 1 float_val: 2"));
  ASSERT_OK(t.status());
  EXPECT_EQ(testing::Values(*t), (std::vector<double>{1, 2, 2, 2, 2, 2}));
  auto zeros = TensorFromProto(
      ParseProto("dtype: DT_INT32 tensor_shape { dim { size: 3 } }"));
  ASSERT_OK(zeros.status());
  EXPECT_EQ(testing::Values(*zeros), (std::vector<double>{0, 0, 0}));
}

TEST(TensorProtoTest, TensorContentBytes) {
  tensorflow::TensorProto p;
  p.set_dtype(tensorflow::DT_INT64);
  p.mutable_tensor_shape()->add_dim()->set_size(2);
  int64_t values[2] = {-5, int64_t{1} << 40};
  p.set_tensor_content(std::string(reinterpret_cast<char*>(values), 16));
  auto t = TensorFromProto(p);
  ASSERT_OK(t.status());
  EXPECT_EQ(t->data<int64_t>()[0], -5);
  EXPECT_EQ(t->data<int64_t>()[1], int64_t{1} << 40);
  p.set_tensor_content("short");
  EXPECT_EQ(TensorFromProto(p).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TensorProtoTest, RoundTripEveryDtype) {
  for (DataType dtype : {DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64, DT_UINT8,
                         DT_INT8, DT_INT16, DT_UINT16, DT_BOOL}) {
    for (TensorShape shape : {TensorShape{}, TensorShape{2, 3}}) {
      Tensor t(dtype, shape);
      for (int64_t i = 0; i < t.num_elements(); ++i) {
        DispatchType(dtype, [&]<typename T>() {
          t.data<T>()[i] = static_cast<T>(i % 2 == 0 ? i + 1 : 0);
          return absl::OkStatus();
        }).IgnoreError();
      }
      tensorflow::TensorProto p;
      TensorToProto(t, &p);
      auto back = TensorFromProto(p);
      ASSERT_OK(back.status());
      EXPECT_TRUE(TensorsEqual(t, *back)) << DataTypeString(dtype);
    }
  }
}

TEST(TensorProtoTest, StringTensors) {
  auto t = TensorFromProto(ParseProto(
      "dtype: DT_STRING tensor_shape { dim { size: 2 } } string_val: 'ab'"));
  ASSERT_OK(t.status());
  EXPECT_EQ(t->data<std::string>()[1], "ab");
  tensorflow::TensorProto p;
  TensorToProto(*t, &p);
  EXPECT_EQ(p.string_val_size(), 2);
}

TEST(TensorProtoTest, HugeShapeIsAnErrorNotAnAllocation) {
  auto t = TensorFromProto(
      ParseProto("dtype: DT_FLOAT tensor_shape { dim { size: 1099511627776 } } "
                 "float_val: 1"));
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  auto bad_dim = TensorFromProto(
      ParseProto("dtype: DT_FLOAT tensor_shape { dim { size: -1 } }"));
  EXPECT_FALSE(bad_dim.ok());
  auto too_many = TensorFromProto(ParseProto(
      "dtype: DT_FLOAT tensor_shape { dim { size: 1 } } float_val: 1 "
      "float_val: 2"));
  EXPECT_FALSE(too_many.ok());
  auto unsupported =
      TensorFromProto(ParseProto("dtype: DT_COMPLEX64 tensor_shape { }"));
  EXPECT_FALSE(unsupported.ok());
}

TEST(PartialShapeTest, CompatibilityAndMerge) {
  PartialShape batch({-1, 28, 28, 1});
  EXPECT_TRUE(batch.IsCompatibleWith(TensorShape{5, 28, 28, 1}));
  EXPECT_FALSE(batch.IsCompatibleWith(TensorShape{5, 28, 28, 3}));
  EXPECT_FALSE(batch.IsCompatibleWith(TensorShape{5, 28, 28}));
  EXPECT_TRUE(PartialShape().IsCompatibleWith(TensorShape{1, 2}));
  auto merged = batch.Merge(PartialShape({7, -1, 28, -1}));
  ASSERT_OK(merged.status());
  EXPECT_EQ(merged->DebugString(), "[7,28,28,1]");
  EXPECT_EQ(PartialShape().DebugString(), "<unknown>");
  EXPECT_EQ(batch.num_elements(), -1);
}

}  // namespace
}  // namespace graphflow
