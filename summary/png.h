// A minimal PNG encoder for image summaries: 8-bit grayscale, gray+alpha,
// RGB or RGBA, unfiltered rows in one zlib-compressed IDAT chunk.
#ifndef GRAPHFLOW_SUMMARY_PNG_H_
#define GRAPHFLOW_SUMMARY_PNG_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace graphflow {

// Encodes `pixels` (height rows of width * channels bytes, channels 1-4) as a
// PNG file. InvalidArgument for bad sizes, Internal if zlib fails.
absl::StatusOr<std::string> EncodePng(absl::Span<const uint8_t> pixels,
                                      int width, int height, int channels);

}  // namespace graphflow

#endif  // GRAPHFLOW_SUMMARY_PNG_H_
