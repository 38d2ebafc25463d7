// .npy files with bad magic, versions, headers, dtypes, shapes or sizes:
// an error naming the file and the problem, refused before allocating.
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "dataset/npy.h"
#include "gtest/gtest.h"
#include "tests/dataset/npy_test_data.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

namespace data = npy_test_data;
#define NPY_BYTES(name) absl::string_view(data::name, sizeof(data::name) - 1)

std::string TempPath(absl::string_view name) {
  return absl::StrCat(::testing::TempDir(), "/corrupt_npy_test_", getpid(), "_",
                      name);
}

std::string MakeNpy(absl::string_view dict, absl::string_view payload) {
  std::string header = absl::StrCat(dict, "\n");
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>(header.size() >> 8));
  return absl::StrCat(out, header, payload);
}

// A version-1.0 file with `dict` as its header (no alignment padding).

void ExpectError(absl::string_view bytes, absl::StatusCode code,
                 absl::string_view needle) {
  auto t = ParseNpy(bytes, "in.npy");
  ASSERT_FALSE(t.ok()) << "parsed: " << t->DebugString();
  EXPECT_EQ(t.status().code(), code) << t.status();
  EXPECT_NE(t.status().message().find("in.npy"), std::string::npos)
      << t.status();
  EXPECT_NE(t.status().message().find(needle), std::string::npos)
      << t.status() << " lacks '" << needle << "'";
}

TEST(NpyTest, BadMagic) {
  ExpectError("", absl::StatusCode::kDataLoss, "bad magic");
  ExpectError("\x93NUMP", absl::StatusCode::kDataLoss, "bad magic");
  std::string bytes(NPY_BYTES(k_float32_234));
  bytes[1] = 'n';
  ExpectError(bytes, absl::StatusCode::kDataLoss, "bad magic");
  ExpectError("PK\x03\x04 a zip file", absl::StatusCode::kDataLoss,
              "bad magic");
}

TEST(NpyTest, UnknownVersion) {
  std::string bytes(NPY_BYTES(k_float32_234));
  bytes[6] = 4;
  ExpectError(bytes, absl::StatusCode::kInvalidArgument, "version 4.0");
}

TEST(NpyTest, EveryTruncationIsDataLoss) {
  for (absl::string_view full :
       {NPY_BYTES(k_float64_234), NPY_BYTES(k_bool_234), NPY_BYTES(kV3),
        NPY_BYTES(k_int8_scalar)}) {
    for (size_t n = 0; n < full.size(); ++n) {
      auto t = ParseNpy(full.substr(0, n), "cut.npy");
      ASSERT_FALSE(t.ok()) << n;
      EXPECT_EQ(t.status().code(), absl::StatusCode::kDataLoss)
          << n << ": " << t.status();
      EXPECT_NE(t.status().message().find("cut.npy"), std::string::npos);
    }
  }
  ExpectError(NPY_BYTES(k_float64_234).substr(0, 130),
              absl::StatusCode::kDataLoss, "needs 192 bytes, the file has 2");
  ExpectError(NPY_BYTES(k_float64_234).substr(0, 100),
              absl::StatusCode::kDataLoss, "truncated header");
}

TEST(NpyTest, TrailingBytesAreDataLoss) {
  ExpectError(absl::StrCat(NPY_BYTES(k_int16_234), "x"),
              absl::StatusCode::kDataLoss, "data size mismatch");
}

TEST(NpyTest, FortranOrderRejected) {
  ExpectError(NPY_BYTES(kFortran), absl::StatusCode::kInvalidArgument,
              "Fortran");
}

TEST(NpyTest, BigEndianRejected) {
  ExpectError(NPY_BYTES(kBigEndian), absl::StatusCode::kInvalidArgument,
              "'>f4' (big-endian");
}

TEST(NpyTest, UnsupportedDtypesRejected) {
  ExpectError(NPY_BYTES(kComplex64), absl::StatusCode::kInvalidArgument,
              "unsupported dtype '<c8'");
  ExpectError(NPY_BYTES(kObject), absl::StatusCode::kInvalidArgument,
              "unsupported dtype '|O'");
  ExpectError(NPY_BYTES(kUnicode), absl::StatusCode::kInvalidArgument,
              "unsupported dtype '<U5'");
  ExpectError(NPY_BYTES(kHalf), absl::StatusCode::kInvalidArgument,
              "unsupported dtype '<f2'");
  ExpectError(MakeNpy("{'descr': [('a', '<f4')], 'fortran_order': False, "
                      "'shape': (1,)}",
                      "abcd"),
              absl::StatusCode::kInvalidArgument, "structured");
  for (const char* descr : {"|S0", "<f4x", "<f", "f4", "<i-4", "<i+4", "|f4",
                            "<u4", "<f16", "<b2"}) {
    ExpectError(MakeNpy(absl::StrCat("{'descr': '", descr,
                                     "', 'fortran_order': False, 'shape': "
                                     "(1,)}"),
                        "abcd"),
                absl::StatusCode::kInvalidArgument,
                absl::StrCat("unsupported dtype '", descr, "'"));
  }
}

TEST(NpyTest, MalformedHeaderDicts) {
  const char* dicts[] = {
      "",
      "[]",
      "{'descr': '<f4', 'fortran_order': False}",
      "{'descr': '<f4', 'shape': (1,)}",
      "{'fortran_order': False, 'shape': (1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
      "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
      "{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': [1]}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1 2)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (a,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x",
      "{'descr': '<f4 , 'fortran_order': False, 'shape': (1,)}",
      "{'descr': '<f\\x34', 'fortran_order': False, 'shape': (1,)}",
      "{descr: '<f4', 'fortran_order': False, 'shape': (1,)}",
      "{'descr' '<f4', 'fortran_order': False, 'shape': (1,)}",
      "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}",
      "{'descr': [('a', '<f4'), 'fortran_order': False, 'shape': (1,)}",
      "{'descr': '<f4', 'fortran_order': False, "
      "'shape': (99999999999999999999,)}",
  };
  for (const char* dict : dicts) {
    SCOPED_TRACE(dict);
    ExpectError(MakeNpy(dict, "abcd"), absl::StatusCode::kDataLoss,
                "malformed header");
  }
}

TEST(NpyTest, ShapeDataMismatch) {
  ExpectError(MakeNpy("{'descr': '<f4', 'fortran_order': False, "
                      "'shape': (2, 2)}",
                      "0123456789ab"),
              absl::StatusCode::kDataLoss,
              "shape [2,2] of '<f4' needs 16 bytes, the file has 12");
  ExpectError(MakeNpy("{'descr': '<f8', 'fortran_order': False, "
                      "'shape': ()}",
                      ""),
              absl::StatusCode::kDataLoss, "needs 8 bytes, the file has 0");
}

TEST(NpyTest, AbsurdShapesRejectedWithoutAllocating) {
  // Over kMaxTensorElements: InvalidArgument before any size arithmetic.
  ExpectError(MakeNpy("{'descr': '<f4', 'fortran_order': False, "
                      "'shape': (4294967296, 4294967296)}",
                      "abcd"),
              absl::StatusCode::kInvalidArgument, "more than");
  ExpectError(MakeNpy("{'descr': '<f4', 'fortran_order': False, "
                      "'shape': (2, -3)}",
                      "abcd"),
              absl::StatusCode::kInvalidArgument, "negative");
  // Within the element limit but far beyond the file: DataLoss, no alloc.
  ExpectError(MakeNpy("{'descr': '<f8', 'fortran_order': False, "
                      "'shape': (100000, 100000)}",
                      "abcdefgh"),
              absl::StatusCode::kDataLoss, "needs 80000000000 bytes");
  // A huge string width must not overflow the size check.
  ExpectError(MakeNpy("{'descr': '|S9223372036854775807', "
                      "'fortran_order': False, 'shape': (3,)}",
                      "abcd"),
              absl::StatusCode::kDataLoss, "needs more bytes");
  // Zero-size arrays with enormous other dims are fine: nothing to hold.
  auto t = ParseNpy(MakeNpy("{'descr': '<f4', 'fortran_order': False, "
                            "'shape': (0, 4611686018427387904)}",
                            ""),
                    "z.npy");
  ASSERT_OK(t.status());
  EXPECT_EQ(t->num_elements(), 0);
}

TEST(NpyTest, HeaderLengthBeyondFileIsDataLoss) {
  std::string bytes(NPY_BYTES(kV2));
  bytes[11] = '\x7f';  // Header length's top byte: ~2 GB claimed.
  ExpectError(bytes, absl::StatusCode::kDataLoss, "truncated header");
}

TEST(NpyTest, WriteErrors) {
  EXPECT_EQ(SerializeNpy(Tensor()), "");
  absl::Status s = WriteNpyFile(TempPath("invalid.npy"), Tensor());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find("invalid.npy"), std::string::npos) << s;
  s = WriteNpyFile("/nonexistent-dir/x.npy", Tensor::Scalar(1.0f));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent-dir/x.npy"), std::string::npos) << s;
}

TEST(NpyTest, MissingFileIsNotFound) {
  auto t = ReadNpyFile(TempPath("does_not_exist.npy"));
  EXPECT_EQ(t.status().code(), absl::StatusCode::kNotFound) << t.status();
}

}  // namespace
}  // namespace graphflow
