// CRC-32C against published check values (RFC 3720 appendix B.4, the CRC
// catalogue's "123456789") and TF's mask.
#include "base/crc32c.h"

#include <string>

#include "gtest/gtest.h"

namespace graphflow {
namespace {

TEST(Crc32cTest, CheckValue) {
  EXPECT_EQ(crc32c::Value("123456789"), 0xe3069283u);
  EXPECT_EQ(crc32c::Value(""), 0u);
}

TEST(Crc32cTest, Rfc3720Vectors) {
  EXPECT_EQ(crc32c::Value(std::string(32, '\0')), 0x8a9136aau);
  EXPECT_EQ(crc32c::Value(std::string(32, '\xff')), 0x62a8ab43u);
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(crc32c::Value(ascending), 0x46dd794eu);
  EXPECT_EQ(crc32c::Value(descending), 0x113fdb5cu);
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  const std::string text = "hello world, a longer text for the 4-byte loop";
  for (size_t split = 0; split <= text.size(); ++split) {
    EXPECT_EQ(crc32c::Extend(crc32c::Value(text.substr(0, split)),
                             text.substr(split)),
              crc32c::Value(text));
  }
}

TEST(Crc32cTest, MaskRoundTripsAndDiffers) {
  const uint32_t crc = crc32c::Value("foo");
  EXPECT_NE(crc32c::Mask(crc), crc);
  EXPECT_NE(crc32c::Mask(crc32c::Mask(crc)), crc);
  EXPECT_EQ(crc32c::Unmask(crc32c::Mask(crc)), crc);
  EXPECT_EQ(crc32c::Unmask(crc32c::Unmask(crc32c::Mask(crc32c::Mask(crc)))),
            crc);
  EXPECT_EQ(crc32c::Mask(0), 0xa282ead8u);
}

}  // namespace
}  // namespace graphflow
