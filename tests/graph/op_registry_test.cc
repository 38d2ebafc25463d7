#include "graph/op_registry.h"

#include "gtest/gtest.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

TEST(OpRegistryTest, ParsesTensorFlowSpecs) {
  auto def = OpDefBuilder("Conv2DLike")
                 .Input("input: T")
                 .Input("values: N * T")
                 .Input("ref: Ref(T)")
                 .Input("sizes: int32")
                 .Output("out: Tout")
                 .Attr("T: {half, float, double}")
                 .Attr("N: int >= 1")
                 .Attr("Tout: list(type)")
                 .Attr("strides: list(int)")
                 .Attr("padding: {'SAME', 'VALID'}")
                 .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
                 .Attr("dilations: list(int) = [1, 1, 1, 1]")
                 .Attr("epsilon: float = 1e-08")
                 .Attr("flag: bool = true")
                 .Attr("dtype: type = DT_FLOAT")
                 .Attr("shape: shape = { unknown_rank: true }")
                 .Attr("U: numbertype")
                 .Finalize();
  ASSERT_OK(def.status());
  EXPECT_EQ(def->inputs[0].type_attr, "T");
  EXPECT_EQ(def->inputs[1].number_attr, "N");
  EXPECT_TRUE(def->inputs[2].is_ref);
  EXPECT_EQ(def->inputs[3].type, DT_INT32);
  EXPECT_EQ(def->outputs[0].type_list_attr, "Tout");
  const AttrDef* t = def->FindAttr("T");
  EXPECT_EQ(t->allowed_types, (DataTypeVector{DT_HALF, DT_FLOAT, DT_DOUBLE}));
  EXPECT_EQ(*def->FindAttr("N")->minimum, 1);
  EXPECT_EQ(def->FindAttr("padding")->allowed_values,
            (std::vector<std::string>{"SAME", "VALID"}));
  EXPECT_EQ(std::get<std::string>(*def->FindAttr("data_format")->default_value),
            "NHWC");
  EXPECT_EQ(std::get<std::vector<int64_t>>(
                *def->FindAttr("dilations")->default_value),
            (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_FLOAT_EQ(std::get<float>(*def->FindAttr("epsilon")->default_value),
                  1e-8f);
  EXPECT_TRUE(std::get<bool>(*def->FindAttr("flag")->default_value));
  EXPECT_EQ(std::get<DataType>(*def->FindAttr("dtype")->default_value),
            DT_FLOAT);
  EXPECT_TRUE(std::get<PartialShape>(*def->FindAttr("shape")->default_value)
                  .unknown_rank());
  EXPECT_FALSE(def->FindAttr("U")->allowed_types.empty());
}

TEST(OpRegistryTest, BadSpecsAndDuplicatesAreErrors) {
  OpRegistry r;
  EXPECT_FALSE(r.Register(OpDefBuilder("A").Input("x: Q")).ok());
  EXPECT_FALSE(r.Register(OpDefBuilder("B").Attr("x: list(int")).ok());
  EXPECT_FALSE(r.Register(OpDefBuilder("C").Attr("x: matrix")).ok());
  ASSERT_OK(r.Register(OpDefBuilder("D")));
  EXPECT_EQ(r.Register(OpDefBuilder("D")).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(r.LookUp("Nope").status().code(), absl::StatusCode::kNotFound);
}

// Tensor attr defaults are TensorProto text, as TF writes ImageSummary's
// bad_color.
TEST(OpRegistryTest, ParsesTensorDefaults) {
  auto v = ParseAttrLiteral(
      "tensor",
      "{ dtype: DT_UINT8 tensor_shape: { dim { size: 3 } } int_val: 7 "
      "int_val: 0 int_val: 255 }");
  ASSERT_OK(v.status());
  EXPECT_TRUE(TensorsEqual(std::get<Tensor>(*v),
                           Tensor::FromVector<uint8_t>({7, 0, 255}, {3})));
  EXPECT_EQ(ParseAttrLiteral("tensor", "{ dtype: NOPE }").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseAttrLiteral("tensor", "7").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace graphflow
