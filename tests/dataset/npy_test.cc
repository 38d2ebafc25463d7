#include "dataset/npy.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "tests/dataset/npy_test_data.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

namespace data = npy_test_data;

absl::string_view Bytes(const data::NpyCase& c) {
  return absl::string_view(c.bytes, c.size);
}
#define NPY_BYTES(name) absl::string_view(data::name, sizeof(data::name) - 1)

// The values gen_npy_test_data.py gives element i of each dtype.
Tensor Expected(DataType dtype, const TensorShape& shape) {
  Tensor t(dtype, shape);
  int64_t n = t.num_elements();
  for (int64_t i = 0; i < n; ++i) {
    switch (dtype) {
      case DT_FLOAT:
        t.data<float>()[i] = static_cast<float>((i - 5) * 0.75);
        break;
      case DT_DOUBLE:
        t.data<double>()[i] = static_cast<double>(i - 7) / 3.0;
        break;
      case DT_INT32:
        t.data<int32_t>()[i] = static_cast<int32_t>(i * 90000000 - 1000000000);
        break;
      case DT_INT64:
        t.data<int64_t>()[i] = (i - 12) * 1000000000007;
        break;
      case DT_UINT8:
        t.data<uint8_t>()[i] = static_cast<uint8_t>(i * 10);
        break;
      case DT_INT8:
        t.data<int8_t>()[i] = static_cast<int8_t>(i * 5 - 60);
        break;
      case DT_INT16:
        t.data<int16_t>()[i] = static_cast<int16_t>(i * 1000 - 12000);
        break;
      case DT_UINT16:
        t.data<uint16_t>()[i] = static_cast<uint16_t>(i * 2500);
        break;
      case DT_BOOL:
        t.data<bool>()[i] = i % 3 == 0;
        break;
      default:
        ADD_FAILURE() << "no formula for " << DataTypeString(dtype);
    }
  }
  return t;
}

Tensor ExpectedFor(const data::NpyCase& c) {
  // NumPy's names are TF's except float32/float64.
  std::string name = c.dtype;
  if (name == "float32") name = "float";
  if (name == "float64") name = "double";
  auto dtype = ParseDataType(name);
  EXPECT_TRUE(dtype.ok()) << dtype.status();
  if (!dtype.ok()) return Tensor();
  TensorShape shape = c.rank == -1  ? TensorShape{0}
                      : c.rank == 0 ? TensorShape{}
                                    : TensorShape{2, 3, 4};
  return Expected(*dtype, shape);
}

std::string MakeNpy(absl::string_view dict, absl::string_view payload) {
  std::string header = absl::StrCat(dict, "\n");
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>(header.size() >> 8));
  return absl::StrCat(out, header, payload);
}

std::string TempPath(absl::string_view name) {
  return absl::StrCat(::testing::TempDir(), "/npy_test_", getpid(), "_", name);
}

TEST(NpyTest, ReadsNumpyFilesOfEveryDtype) {
  for (const data::NpyCase& c : data::kCases) {
    SCOPED_TRACE(absl::StrCat(c.dtype, " rank ", c.rank));
    auto t = ParseNpy(Bytes(c), "numpy.npy");
    ASSERT_OK(t.status());
    Tensor want = ExpectedFor(c);
    EXPECT_TRUE(TensorsEqual(*t, want))
        << t->DebugString() << " vs " << want.DebugString();
  }
}

TEST(NpyTest, SerializesByteIdenticalToNumpy) {
  for (const data::NpyCase& c : data::kCases) {
    SCOPED_TRACE(absl::StrCat(c.dtype, " rank ", c.rank));
    EXPECT_EQ(SerializeNpy(ExpectedFor(c)), Bytes(c));
  }
}

TEST(NpyTest, FileRoundTripOfEveryDtypeAndShape) {
  for (const data::NpyCase& c : data::kCases) {
    SCOPED_TRACE(absl::StrCat(c.dtype, " rank ", c.rank));
    Tensor t = ExpectedFor(c);
    std::string path = TempPath("roundtrip.npy");
    ASSERT_OK(WriteNpyFile(path, t));
    auto back = ReadNpyFile(path);
    ASSERT_OK(back.status());
    EXPECT_TRUE(TensorsEqual(*back, t));
    std::filesystem::remove(path);
  }
}

TEST(NpyTest, SpecialFloatsRoundTripBitwise) {
  Tensor t = Tensor::Vector<double>(
      {NAN, INFINITY, -INFINITY, -0.0, 5e-324, 1.7976931348623157e308});
  auto back = ParseNpy(SerializeNpy(t), "x");
  ASSERT_OK(back.status());
  EXPECT_TRUE(TensorsEqual(*back, t));
}

TEST(NpyTest, ReadsFormatVersions2And3) {
  Tensor want = Expected(DT_FLOAT, {2, 3});
  for (absl::string_view bytes : {NPY_BYTES(kV2), NPY_BYTES(kV3)}) {
    auto t = ParseNpy(bytes, "v.npy");
    ASSERT_OK(t.status());
    EXPECT_TRUE(TensorsEqual(*t, want)) << t->DebugString();
  }
}

TEST(NpyTest, HugeRankHeaderUsesVersion2) {
  // 25000 dims of 1 make a header over 65535 bytes.
  TensorShape shape;
  for (int i = 0; i < 25000; ++i) shape.AddDim(1);
  Tensor t(DT_INT16, shape);
  t.data<int16_t>()[0] = -7;
  std::string bytes = SerializeNpy(t);
  ASSERT_GT(bytes.size(), 65536u);
  EXPECT_EQ(bytes[6], 2);
  EXPECT_EQ((bytes.size() - 2) % 64, 0u);  // Header aligned, then 2 bytes.
  auto back = ParseNpy(bytes, "big.npy");
  ASSERT_OK(back.status());
  EXPECT_TRUE(TensorsEqual(*back, t));
}

TEST(NpyTest, ByteStringsMatchNumpy) {
  Tensor t(DT_STRING, {3});
  t.data<std::string>()[0] = "ab";
  t.data<std::string>()[1] = "";
  t.data<std::string>()[2] = std::string("xyz\0q", 5);
  auto back = ParseNpy(NPY_BYTES(kBytes), "s.npy");
  ASSERT_OK(back.status());
  EXPECT_TRUE(TensorsEqual(*back, t)) << back->DebugString();
  EXPECT_EQ(SerializeNpy(t), NPY_BYTES(kBytes));
}

TEST(NpyTest, EmptyStringTensorsRoundTrip) {
  Tensor t(DT_STRING, {2, 0});
  auto back = ParseNpy(SerializeNpy(t), "s.npy");
  ASSERT_OK(back.status());
  EXPECT_TRUE(TensorsEqual(*back, t));
}

TEST(NpyTest, FortranOrderOfRankOneIsTheSameLayout) {
  auto t =
      ParseNpy(MakeNpy("{'descr': '<i4', 'fortran_order': True, 'shape': (2,)}",
                       std::string("\x01\0\0\0\x02\0\0\0", 8)),
               "f.npy");
  ASSERT_OK(t.status());
  EXPECT_TRUE(TensorsEqual(*t, Tensor::Vector<int32_t>({1, 2})));
}

TEST(NpyTest, AcceptsOtherDictSpellings) {
  // Key order, double quotes, no trailing comma, Python 2 longs.
  auto t = ParseNpy(
      MakeNpy("{ \"shape\" : (1L, 2L) , 'descr':'<u2','fortran_order':False}",
              std::string("\x05\0\x06\0", 4)),
      "f.npy");
  ASSERT_OK(t.status());
  EXPECT_TRUE(
      TensorsEqual(*t, Tensor::FromVector<uint16_t>(
                           std::initializer_list<uint16_t>{5, 6}, {1, 2})));
}

TEST(NpyTest, NonzeroBoolBytesReadAsTrue) {
  auto t = ParseNpy(MakeNpy("{'descr': '|b1', 'fortran_order': False, 'shape': "
                            "(3,), }",
                            std::string("\x00\x02\xff", 3)),
                    "b.npy");
  ASSERT_OK(t.status());
  EXPECT_TRUE(TensorsEqual(*t, Tensor::Vector<bool>({false, true, true})));
}

}  // namespace
}  // namespace graphflow
