// `graphflow inspect` and `run --restore` on TensorFlow checkpoints
// (../shared/tfgraphs).
#include "base/file_io.h"
#include "gtest/gtest.h"
#include "tests/support/test_util.h"
#include "tests/tools/cli_test_util.h"

namespace graphflow {
namespace {

using testing::RunCli;

TEST(CheckpointInspectTest, ListsTensorsLikeInspectCheckpoint) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  const auto r = RunCli({"inspect", dir + "/ckpt/xor_model.ckpt"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("14 tensors in 1 shard(s)"), std::string::npos) << r;
  EXPECT_NE(r.out.find("\nVariable (DT_FLOAT) [2,2]\n"), std::string::npos)
      << r;
  EXPECT_NE(r.out.find("\nbeta2_power (DT_FLOAT) []\n"), std::string::npos)
      << r;
}

TEST(CheckpointInspectTest, DirectoryWithCheckpointFile) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs/more/cf_lstm_arima_tf14");
  const auto r = RunCli({"inspect", dir});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("sunld.model: 20 tensors"), std::string::npos) << r;
}

TEST(CheckpointInspectTest, CorruptIndexFailsNamingIt) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  testing::ScratchDir scratch("inspect_corrupt");
  auto bytes = ReadFileToString(dir + "/ckpt/xor_model.ckpt.index");
  ASSERT_TRUE(bytes.ok());
  (*bytes)[30] ^= 0x40;
  ASSERT_TRUE(WriteFileAtomically(scratch / "m.index", *bytes).ok());
  const auto r = RunCli({"inspect", scratch / "m"});
  EXPECT_TRUE(testing::FailedCleanly(r, {scratch / "m.index", "CRC"}));
}

TEST(CheckpointInspectTest, RunRestoresATfPrefix) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  const auto r =
      RunCli({"run", dir + "/xor_adam_train.pbtxt", "--restore",
              dir + "/ckpt/xor_model.ckpt", "--fetch", "Variable_3"});
  ASSERT_EQ(r.exit_code, 0) << r;
  // The checkpoint's own value (TF wrote 3.64788, 3.64866).
  EXPECT_NE(r.out.find("[3.64788 3.64866]"), std::string::npos) << r;
}

// Restore TF's checkpoint, save it with --save-format tf: the same bytes
// (tensors in name order, as TF's Saver wrote them).
TEST(CheckpointInspectTest, SaveFormatTfReproducesTfsFiles) {
  GF_SKIP_WITHOUT_SHARED(dir, "tfgraphs");
  testing::ScratchDir scratch("save_tf");
  const std::string prefix = dir + "/ckpt/xor_model.ckpt";
  const auto r = RunCli({"run", dir + "/xor_adam_train.pbtxt", "--restore",
                         prefix, "--fetch", "Variable_3", "--save",
                         scratch / "re.ckpt", "--save-format", "tf"});
  ASSERT_EQ(r.exit_code, 0) << r;
  for (const char* suffix : {".index", ".data-00000-of-00001"}) {
    auto ours = ReadFileToString(scratch / ("re.ckpt" + std::string(suffix)));
    auto theirs = ReadFileToString(prefix + suffix);
    ASSERT_TRUE(ours.ok() && theirs.ok()) << suffix;
    EXPECT_TRUE(*ours == *theirs) << suffix << " differs";
  }
  EXPECT_TRUE(testing::FailedCleanly(
      RunCli({"run", dir + "/xor_adam_train.pbtxt", "--fetch", "Variable_3",
              "--save-format", "bogus"}),
      {"bogus"}));
}

}  // namespace
}  // namespace graphflow
