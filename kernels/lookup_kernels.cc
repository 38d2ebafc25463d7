// Kernels of ops/lookup_ops.cc: TF's HashTable (an InitializableLookupTable)
// kept in the session's ResourceStore.
//
// Handles. A V2 op's handle is a DT_RESOURCE scalar holding the table's
// ResourceStore name. A V1 op's handle is TF's Ref(string): a mutable
// 2-element string tensor (container, shared name). graphflow carries ref
// edges as StoredVariable pointers, so each table owns one StoredVariable
// holding that tensor and HashTable outputs a ref to it: no change to the
// session or the VariableStore (so checkpoints never see table handles), and
// consumers read the name from the ref exactly as TF's GetTableHandle does.
#include <algorithm>
#include <memory>
#include <mutex>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/file_io.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"

namespace graphflow {
namespace {

// One key or value: integers (and bool) as int64, floats as double.
using Cell = std::variant<int64_t, double, std::string>;

Cell CellAt(const Tensor& t, int64_t i) {
  if (t.dtype() == DT_STRING) return t.data<std::string>()[i];
  Cell c;
  DispatchType(t.dtype(), [&]<typename T>() {
    if constexpr (std::is_floating_point_v<T>) {
      c = static_cast<double>(t.data<T>()[i]);
    } else {
      c = static_cast<int64_t>(t.data<T>()[i]);
    }
    return absl::OkStatus();
  }).IgnoreError();
  return c;
}

void SetCell(Tensor& t, int64_t i, const Cell& c) {
  if (t.dtype() == DT_STRING) {
    t.data<std::string>()[i] = std::get<std::string>(c);
    return;
  }
  DispatchType(t.dtype(), [&]<typename T>() {
    if constexpr (std::is_floating_point_v<T>) {
      t.data<T>()[i] = static_cast<T>(std::get<double>(c));
    } else {
      t.data<T>()[i] = static_cast<T>(std::get<int64_t>(c));
    }
    return absl::OkStatus();
  }).IgnoreError();
}

std::string CellString(const Cell& c) {
  return std::visit([](const auto& v) { return absl::StrCat(v); }, c);
}

// TF's HashTable<K, V> instantiations (lookup_table_op.cc).
bool SupportedPair(DataType k, DataType v) {
  switch (k) {
    case DT_INT32:
      return v == DT_DOUBLE || v == DT_FLOAT || v == DT_INT32 || v == DT_STRING;
    case DT_INT64:
      return v == DT_DOUBLE || v == DT_FLOAT || v == DT_INT32 ||
             v == DT_INT64 || v == DT_STRING;
    case DT_STRING:
      return v == DT_BOOL || v == DT_DOUBLE || v == DT_FLOAT || v == DT_INT32 ||
             v == DT_INT64 || v == DT_STRING;
    default:
      return false;
  }
}

class HashTableResource : public ResourceBase {
 public:
  HashTableResource(DataType key, DataType value, Tensor handle)
      : key_dtype_(key), value_dtype_(value), handle_("table_handle") {
    handle_.Assign(std::move(handle));
  }
  std::string TypeName() const override { return "lookup table"; }
  DataType key_dtype() const { return key_dtype_; }
  DataType value_dtype() const { return value_dtype_; }
  StoredVariable* handle() { return &handle_; }

  // LookupInterface::CheckKeyAndValueTypes.
  absl::Status CheckTypes(const Tensor& keys, const Tensor& values) const {
    if (keys.dtype() != key_dtype_) {
      return absl::InvalidArgumentError(
          absl::StrCat("Key must be type ", DataTypeString(key_dtype_),
                       " but got ", DataTypeString(keys.dtype())));
    }
    if (values.dtype() != value_dtype_) {
      return absl::InvalidArgumentError(
          absl::StrCat("Value must be type ", DataTypeString(value_dtype_),
                       " but got ", DataTypeString(values.dtype())));
    }
    return absl::OkStatus();
  }

  // InitializableLookupTable::Initialize: a second initialization is a no-op
  // when the sizes agree (TF's AreEntriesSame compares only sizes), else
  // FailedPrecondition; a key given two values is FailedPrecondition.
  absl::Status Initialize(const Tensor& keys, const Tensor& values) {
    RETURN_IF_ERROR(CheckTypes(keys, values));
    if (values.shape() != keys.shape()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Expected shape ", keys.shape().DebugString(),
                       " for value, got ", values.shape().DebugString()));
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (initialized_) {
      if (keys.num_elements() == static_cast<int64_t>(values_.size())) {
        return absl::OkStatus();
      }
      return absl::FailedPreconditionError(
          "Table was already initialized with different data.");
    }
    absl::flat_hash_map<Cell, int64_t> slots;
    std::vector<Cell> order, stored;
    for (int64_t i = 0; i < keys.num_elements(); ++i) {
      Cell key = CellAt(keys, i), value = CellAt(values, i);
      auto [it, inserted] = slots.emplace(key, stored.size());
      if (inserted) {
        order.push_back(std::move(key));
        stored.push_back(std::move(value));
      } else if (stored[it->second] != value) {
        return absl::FailedPreconditionError(absl::StrCat(
            "HashTable has different value for same key. Key ", CellString(key),
            " has ", CellString(stored[it->second]),
            " and trying to add value ", CellString(value)));
      }
    }
    slots_ = std::move(slots);
    keys_ = std::move(order);
    values_ = std::move(stored);
    initialized_ = true;
    return absl::OkStatus();
  }

  bool initialized() const {
    std::lock_guard<std::mutex> lock(mu_);
    return initialized_;
  }
  int64_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return initialized_ ? static_cast<int64_t>(values_.size()) : 0;
  }

  // out[i] = table[keys[i]] or default_value.
  absl::Status Find(const Tensor& keys, const Tensor& default_value,
                    Tensor& out) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (!initialized_) {
      return absl::FailedPreconditionError("Table not initialized.");
    }
    RETURN_IF_ERROR(CheckTypes(keys, default_value));
    if (default_value.rank() != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("Expected shape [] for default value, got ",
                       default_value.shape().DebugString()));
    }
    const Cell fallback = CellAt(default_value, 0);
    for (int64_t i = 0; i < keys.num_elements(); ++i) {
      auto it = slots_.find(CellAt(keys, i));
      SetCell(out, i, it == slots_.end() ? fallback : values_[it->second]);
    }
    return absl::OkStatus();
  }

  void Export(Tensor& keys, Tensor& values) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < keys_.size(); ++i) {
      SetCell(keys, i, keys_[i]);
      SetCell(values, i, values_[i]);
    }
  }

 private:
  const DataType key_dtype_, value_dtype_;
  StoredVariable handle_;  // The V1 ops' Ref(string) handle.
  mutable std::mutex mu_;  // Guards what follows.
  bool initialized_ = false;
  absl::flat_hash_map<Cell, int64_t> slots_;
  std::vector<Cell> keys_, values_;  // In insertion order (for Export).
};

// TF's ContainerInfo: shared_name, else the node name with
// use_node_name_sharing, else a name private to the node (TF makes one per
// kernel instance, which lives as long as the session, as this does).
absl::Status HashTableKernel(KernelContext& ctx) {
  std::string container, shared_name;
  bool node_name_sharing = false;
  DataType key_dtype, value_dtype;
  RETURN_IF_ERROR(ctx.GetAttr("container", &container));
  RETURN_IF_ERROR(ctx.GetAttr("shared_name", &shared_name));
  RETURN_IF_ERROR(ctx.GetAttr("use_node_name_sharing", &node_name_sharing));
  RETURN_IF_ERROR(ctx.GetAttr("key_dtype", &key_dtype));
  RETURN_IF_ERROR(ctx.GetAttr("value_dtype", &value_dtype));
  if (!SupportedPair(key_dtype, value_dtype)) {
    return ctx.InvalidArgument(absl::StrCat(
        "no CPU kernel for a hash table from ", DataTypeString(key_dtype),
        " to ", DataTypeString(value_dtype)));
  }
  if (container.empty()) container = "localhost";
  if (shared_name.empty()) {
    shared_name = node_name_sharing
                      ? ctx.node().name()
                      : absl::StrCat("_hash_table_", ctx.node().name());
  }
  const std::string name = absl::StrCat(container, "/", shared_name);
  Tensor v1_handle(DT_STRING, TensorShape{2});
  v1_handle.data<std::string>()[0] = container;
  v1_handle.data<std::string>()[1] = shared_name;
  absl::StatusOr<std::shared_ptr<HashTableResource>> table =
      ctx.resources().LookupOrCreate<HashTableResource>(
          name, [&]() -> absl::StatusOr<std::shared_ptr<HashTableResource>> {
            return std::make_shared<HashTableResource>(key_dtype, value_dtype,
                                                       v1_handle);
          });
  if (!table.ok()) return ctx.InvalidArgument(table.status().message());
  if ((*table)->key_dtype() != key_dtype ||
      (*table)->value_dtype() != value_dtype) {
    return ctx.InvalidArgument(absl::StrCat(
        "Conflicting key/value dtypes ", DataTypeString(key_dtype), "->",
        DataTypeString(value_dtype), " with ",
        DataTypeString((*table)->key_dtype()), "-",
        DataTypeString((*table)->value_dtype()), " for table ", shared_name));
  }
  if (ctx.node().op() == "HashTable") {
    ctx.SetRefOutput(0, (*table)->handle());
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, TensorShape{}));
  out->data<std::string>()[0] = name;
  return absl::OkStatus();
}

// The table input 0 names; errors name the node.
absl::StatusOr<std::shared_ptr<HashTableResource>> GetTable(
    KernelContext& ctx) {
  std::string name;
  if (ctx.ref_input(0) != nullptr) {
    ASSIGN_OR_RETURN(Tensor handle, ctx.ref_input(0)->Read());
    if (handle.dtype() != DT_STRING || handle.num_elements() != 2) {
      return ctx.InvalidArgument(
          absl::StrCat("Lookup table handle must be scalar, but had shape: ",
                       handle.shape().DebugString()));
    }
    name = absl::StrCat(handle.data<std::string>()[0], "/",
                        handle.data<std::string>()[1]);
  } else {
    const Tensor& handle = ctx.input(0);
    if (handle.dtype() != DT_RESOURCE || handle.num_elements() != 1) {
      return ctx.InvalidArgument("table_handle must be a scalar resource");
    }
    name = handle.data<std::string>()[0];
  }
  auto table = ctx.resources().Lookup<HashTableResource>(name);
  if (!table.ok()) {
    return ctx.Error(table.status().code(), table.status().message());
  }
  return table;
}

// Prefixes a table's error with the node, keeping its code.
absl::Status NodeError(KernelContext& ctx, const absl::Status& s) {
  return s.ok() ? s : ctx.Error(s.code(), s.message());
}

absl::Status InitializeTableKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto table, GetTable(ctx));
  return NodeError(ctx, table->Initialize(ctx.input(1), ctx.input(2)));
}

absl::Status LookupTableFindKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto table, GetTable(ctx));
  if (!table->initialized()) {
    return ctx.Error(absl::StatusCode::kFailedPrecondition,
                     "Table not initialized.");
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, table->value_dtype(),
                                                    ctx.input(1).shape()));
  return NodeError(ctx, table->Find(ctx.input(1), ctx.input(2), *out));
}

absl::Status LookupTableSizeKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto table, GetTable(ctx));
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, TensorShape{}));
  out->data<int64_t>()[0] = table->size();
  return absl::OkStatus();
}

absl::Status LookupTableExportKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto table, GetTable(ctx));
  DataType k, v;
  RETURN_IF_ERROR(ctx.GetAttr("Tkeys", &k));
  RETURN_IF_ERROR(ctx.GetAttr("Tvalues", &v));
  if (k != table->key_dtype() || v != table->value_dtype()) {
    return ctx.InvalidArgument(
        absl::StrCat("table maps ", DataTypeString(table->key_dtype()), " to ",
                     DataTypeString(table->value_dtype()), ", not ",
                     DataTypeString(k), " to ", DataTypeString(v)));
  }
  const int64_t n = table->size();
  ASSIGN_OR_RETURN(Tensor * keys, ctx.AllocateOutput(0, TensorShape{n}));
  ASSIGN_OR_RETURN(Tensor * values, ctx.AllocateOutput(1, TensorShape{n}));
  table->Export(*keys, *values);
  return absl::OkStatus();
}

// TextFileLineIterator::SetValue (lookup_util.cc): one column as `dtype`.
absl::Status ParseField(const std::string& token, int64_t line, DataType dtype,
                        Cell* out) {
  bool ok = true;
  switch (dtype) {
    case DT_INT32: {
      int32_t v;
      ok = absl::SimpleAtoi(token, &v);
      *out = int64_t{v};
      break;
    }
    case DT_INT64: {
      int64_t v;
      ok = absl::SimpleAtoi(token, &v);
      *out = v;
      break;
    }
    case DT_FLOAT: {
      float v;
      ok = absl::SimpleAtof(token, &v);
      *out = double{v};
      break;
    }
    case DT_DOUBLE: {
      double v;
      ok = absl::SimpleAtod(token, &v);
      *out = v;
      break;
    }
    case DT_STRING:
      *out = token;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("Data type ", DataTypeString(dtype), " not supported."));
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("Field ", token, " in line ",
                                                 line, " is not a valid ",
                                                 DataTypeString(dtype), "."));
}

constexpr int64_t kLineNumber = -2, kWholeLine = -1;

// TF's InitializeTableFromTextFile's dtype checks.
absl::Status CheckTextFileIndices(int64_t key_index, int64_t value_index,
                                  DataType k, DataType v) {
  auto integer = [](DataType t) { return t == DT_INT32 || t == DT_INT64; };
  if (key_index == kLineNumber && k != DT_INT64) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Key index for line number requires table key dtype of int64, got ",
        DataTypeString(k)));
  }
  if (key_index == kWholeLine && !integer(k) && k != DT_STRING) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Key index for whole line requires string or integer table key, got ",
        DataTypeString(k)));
  }
  if (value_index == kLineNumber && v != DT_INT64) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Value index for line number requires table value dtype of int64, "
        "got ",
        DataTypeString(v)));
  }
  if (value_index == kWholeLine && !integer(v) && v != DT_STRING) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Value index for whole line requires table value dtype of integer or "
        "string, got ",
        DataTypeString(v)));
  }
  return absl::OkStatus();
}

// The file's lines (TF's InputBuffer::ReadLine: "\n" ends a line, a final
// "\r" is dropped, a last line needs no "\n"), vocab_size of them when set.
absl::StatusOr<std::vector<std::string>> TextFileLines(
    const std::string& filename, int64_t vocab_size) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(filename));
  std::vector<std::string> lines = absl::StrSplit(bytes, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (auto& line : lines) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
  }
  const int64_t n = static_cast<int64_t>(lines.size());
  if (vocab_size != -1 && n < vocab_size) {
    return absl::InvalidArgumentError(absl::StrCat("Invalid vocab_size in ",
                                                   filename, ": expected ",
                                                   vocab_size, " but got ", n));
  }
  if (vocab_size != -1) lines.resize(vocab_size);
  if (lines.empty()) {
    return absl::OutOfRangeError(absl::StrCat(filename, ": no lines"));
  }
  return lines;
}

absl::Status InitializeFromTextFile(KernelContext& ctx,
                                    HashTableResource& table) {
  int64_t key_index, value_index, vocab_size;
  std::string delimiter;
  RETURN_IF_ERROR(ctx.GetAttr("key_index", &key_index));
  RETURN_IF_ERROR(ctx.GetAttr("value_index", &value_index));
  RETURN_IF_ERROR(ctx.GetAttr("vocab_size", &vocab_size));
  RETURN_IF_ERROR(ctx.GetAttr("delimiter", &delimiter));
  if (delimiter.size() != 1) {
    return absl::InvalidArgumentError("delimiter should be only 1 char");
  }
  const Tensor& file = ctx.input(1);
  if (file.rank() != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("filename should be a single string, but got ",
                     file.shape().DebugString()));
  }
  const std::string& filename = file.data<std::string>()[0];
  const DataType k = table.key_dtype(), v = table.value_dtype();
  RETURN_IF_ERROR(CheckTextFileIndices(key_index, value_index, k, v));
  ASSIGN_OR_RETURN(std::vector<std::string> lines,
                   TextFileLines(filename, vocab_size));
  const int64_t n = static_cast<int64_t>(lines.size());
  ASSIGN_OR_RETURN(Tensor keys, Tensor::Allocate(k, TensorShape{n}));
  ASSIGN_OR_RETURN(Tensor values, Tensor::Allocate(v, TensorShape{n}));
  const int64_t columns = std::max(key_index, value_index) + 1;
  for (int64_t i = 0; i < n; ++i) {
    std::vector<std::string> tokens;
    if (columns > 0) {
      tokens = absl::StrSplit(lines[i], delimiter[0]);
      if (static_cast<int64_t>(tokens.size()) < columns) {
        return absl::InvalidArgumentError(
            absl::StrCat("Invalid number of columns in ", filename, " line ", i,
                         " (", lines[i], ") : expected at least ", columns,
                         " got ", tokens.size()));
      }
    }
    for (auto [index, dtype, t] : {std::tuple{key_index, k, &keys},
                                   std::tuple{value_index, v, &values}}) {
      Cell cell = i;
      if (index != kLineNumber) {
        RETURN_IF_ERROR(ParseField(
            index == kWholeLine ? lines[i] : tokens[index], i, dtype, &cell));
      }
      SetCell(*t, i, cell);
    }
  }
  // TF ignores initializing an initialized table from a file.
  absl::Status s = table.Initialize(keys, values);
  if (absl::IsFailedPrecondition(s) && table.initialized()) {
    return absl::OkStatus();
  }
  return s;
}

absl::Status InitializeTableFromTextFileKernel(KernelContext& ctx) {
  ASSIGN_OR_RETURN(auto table, GetTable(ctx));
  return NodeError(ctx, InitializeFromTextFile(ctx, *table));
}

}  // namespace

absl::Status RegisterLookupKernels(KernelRegistry& r) {
  for (const char* v : {"", "V2"}) {
    RETURN_IF_ERROR(r.Register(absl::StrCat("HashTable", v), HashTableKernel));
    RETURN_IF_ERROR(
        r.Register(absl::StrCat("InitializeTable", v), InitializeTableKernel));
    RETURN_IF_ERROR(r.Register(absl::StrCat("InitializeTableFromTextFile", v),
                               InitializeTableFromTextFileKernel));
    RETURN_IF_ERROR(
        r.Register(absl::StrCat("LookupTableFind", v), LookupTableFindKernel));
    RETURN_IF_ERROR(
        r.Register(absl::StrCat("LookupTableSize", v), LookupTableSizeKernel));
    RETURN_IF_ERROR(r.Register(absl::StrCat("LookupTableImport", v),
                               InitializeTableKernel));
    RETURN_IF_ERROR(r.Register(absl::StrCat("LookupTableExport", v),
                               LookupTableExportKernel));
  }
  return absl::OkStatus();
}

}  // namespace graphflow
