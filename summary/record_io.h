// TFRecord framing, as TensorFlow's record writer and event files use it:
// uint64 length (little-endian), masked CRC-32C of those 8 bytes, the data,
// masked CRC-32C of the data.
#ifndef GRAPHFLOW_SUMMARY_RECORD_IO_H_
#define GRAPHFLOW_SUMMARY_RECORD_IO_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace graphflow {

// The framed bytes of one record.
std::string EncodeRecord(absl::string_view data);

// Splits a whole TFRecord file into its records, verifying both CRCs of
// every record. DataLoss naming the record for a bad CRC or a truncated
// record.
absl::StatusOr<std::vector<std::string>> DecodeRecords(
    absl::string_view contents);

// Reads and decodes a TFRecord file (ReadFileToString's limits apply).
absl::StatusOr<std::vector<std::string>> ReadRecordFile(
    const std::string& path);

}  // namespace graphflow

#endif  // GRAPHFLOW_SUMMARY_RECORD_IO_H_
