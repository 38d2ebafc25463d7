#include "ops/lookup_ops.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// The table handle (input 0): a 2-element string vector for the V1 ops'
// Ref(string) (TF's (container, name) pair), a scalar resource for V2.
absl::Status CheckHandle(InferenceContext& c) {
  if (c.input_type(0) == DT_RESOURCE) return c.WithRank(0, 0).status();
  ASSIGN_OR_RETURN(PartialShape handle, c.WithRank(0, 1));
  if (handle.known_rank() && handle.dim(0) != -1 && handle.dim(0) != 2) {
    return c.Error(absl::StrCat("table handle must have 2 elements, got ",
                                handle.DebugString()));
  }
  return absl::OkStatus();
}

absl::Status HashTableShape(InferenceContext& c) {
  bool v1 = c.node().op() == "HashTable";
  c.set_output(0, v1 ? PartialShape{2} : PartialShape(TensorShape()));
  return absl::OkStatus();
}

// InitializeTable: keys a vector, values of the same shape.
absl::Status KeysValuesShape(InferenceContext& c) {
  RETURN_IF_ERROR(CheckHandle(c));
  RETURN_IF_ERROR(c.WithRank(1, 1).status());
  if (!c.input_shape(1).Merge(c.input_shape(2)).ok()) {
    return c.Error(absl::StrCat("keys ", c.input_shape(1).DebugString(),
                                " and values ", c.input_shape(2).DebugString(),
                                " must have the same shape"));
  }
  return absl::OkStatus();
}

absl::Status TextFileShape(InferenceContext& c) {
  RETURN_IF_ERROR(CheckHandle(c));
  return c.WithRank(1, 0).status();
}

absl::Status FindShape(InferenceContext& c) {
  RETURN_IF_ERROR(CheckHandle(c));
  const PartialShape& d = c.input_shape(2);
  if (d.known_rank() && d.rank() > 1) {
    return c.Error(absl::StrCat(
        "default_value must be a scalar or vector, got ", d.DebugString()));
  }
  // TF 1.x's shape function leaves the values' shape unknown (it is the
  // keys' shape for a hash table, known only when the kernel runs).
  c.set_output(0, PartialShape::Unknown());
  return absl::OkStatus();
}

absl::Status SizeShape(InferenceContext& c) {
  RETURN_IF_ERROR(CheckHandle(c));
  c.set_output(0, PartialShape(TensorShape()));
  return absl::OkStatus();
}

absl::Status ExportShape(InferenceContext& c) {
  RETURN_IF_ERROR(CheckHandle(c));
  c.set_output(0, PartialShape{-1});
  c.set_output(1, PartialShape::Unknown());
  return absl::OkStatus();
}

// Registers the V1 (Ref(string) handle) and V2 (resource handle) forms.
absl::Status RegisterBoth(OpRegistry& r, const std::string& name,
                          const std::function<void(OpDefBuilder&)>& rest,
                          ShapeFn shape, bool handle_is_output = false) {
  for (bool v2 : {false, true}) {
    OpDefBuilder b(v2 ? name + "V2" : name);
    std::string handle =
        absl::StrCat("table_handle: ", v2 ? "resource" : "Ref(string)");
    if (handle_is_output) {
      b.Output(handle);
    } else {
      b.Input(handle);
    }
    rest(b);
    RETURN_IF_ERROR(
        r.Register(b.SetIsStateful().SetShapeFn(shape).SetNoGradient()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterLookupOps(OpRegistry& r) {
  RETURN_IF_ERROR(RegisterBoth(
      r, "HashTable",
      [](OpDefBuilder& b) {
        b.Attr("container: string = ''")
            .Attr("shared_name: string = ''")
            .Attr("use_node_name_sharing: bool = false")
            .Attr("key_dtype: type")
            .Attr("value_dtype: type");
      },
      HashTableShape, /*handle_is_output=*/true));
  RETURN_IF_ERROR(RegisterBoth(
      r, "InitializeTable",
      [](OpDefBuilder& b) {
        b.Input("keys: Tkey")
            .Input("values: Tval")
            .Attr("Tkey: type")
            .Attr("Tval: type");
      },
      KeysValuesShape));
  RETURN_IF_ERROR(RegisterBoth(
      r, "InitializeTableFromTextFile",
      [](OpDefBuilder& b) {
        b.Input("filename: string")
            .Attr("key_index: int >= -2")
            .Attr("value_index: int >= -2")
            .Attr("vocab_size: int >= -1 = -1")
            .Attr("delimiter: string = '\t'");
      },
      TextFileShape));
  RETURN_IF_ERROR(RegisterBoth(
      r, "LookupTableFind",
      [](OpDefBuilder& b) {
        b.Input("keys: Tin")
            .Input("default_value: Tout")
            .Output("values: Tout")
            .Attr("Tin: type")
            .Attr("Tout: type");
      },
      FindShape));
  RETURN_IF_ERROR(RegisterBoth(
      r, "LookupTableSize", [](OpDefBuilder& b) { b.Output("size: int64"); },
      SizeShape));
  RETURN_IF_ERROR(RegisterBoth(
      r, "LookupTableImport",
      [](OpDefBuilder& b) {
        b.Input("keys: Tin")
            .Input("values: Tout")
            .Attr("Tin: type")
            .Attr("Tout: type");
      },
      CheckHandle));  // As TF: the kernel checks keys and values.
  RETURN_IF_ERROR(RegisterBoth(
      r, "LookupTableExport",
      [](OpDefBuilder& b) {
        b.Output("keys: Tkeys")
            .Output("values: Tvalues")
            .Attr("Tkeys: type")
            .Attr("Tvalues: type");
      },
      ExportShape));
  return absl::OkStatus();
}

namespace ops {
namespace {

// The V2 op for a resource handle, the V1 op for a Ref(string) one.
std::string Versioned(const char* op, const Input& table) {
  const Output& o = table.output();
  bool v2 = o.node != nullptr && o.node->output_type(o.index) == DT_RESOURCE;
  return v2 ? absl::StrCat(op, "V2") : op;
}

}  // namespace

Output HashTableV2(const Scope& s, DataType key_dtype, DataType value_dtype,
                   const std::string& shared_name, bool use_node_name_sharing) {
  return s.AddOp1("HashTableV2", {},
                  {{"key_dtype", key_dtype},
                   {"value_dtype", value_dtype},
                   {"shared_name", shared_name},
                   {"use_node_name_sharing", use_node_name_sharing}});
}

Output HashTable(const Scope& s, DataType key_dtype, DataType value_dtype,
                 const std::string& shared_name, bool use_node_name_sharing) {
  return s.AddOp1("HashTable", {},
                  {{"key_dtype", key_dtype},
                   {"value_dtype", value_dtype},
                   {"shared_name", shared_name},
                   {"use_node_name_sharing", use_node_name_sharing}});
}

Output InitializeTable(const Scope& s, Input table, Input keys, Input values) {
  return Output(
      s.AddNode(Versioned("InitializeTable", table), {table, keys, values}));
}

Output InitializeTableFromTextFile(const Scope& s, Input table, Input filename,
                                   int64_t key_index, int64_t value_index,
                                   int64_t vocab_size,
                                   const std::string& delimiter) {
  return Output(s.AddNode(Versioned("InitializeTableFromTextFile", table),
                          {table, filename},
                          {{"key_index", key_index},
                           {"value_index", value_index},
                           {"vocab_size", vocab_size},
                           {"delimiter", delimiter}}));
}

Output LookupTableFind(const Scope& s, Input table, Input keys,
                       Input default_value) {
  return s.AddOp1(Versioned("LookupTableFind", table),
                  {table, keys, default_value});
}

Output LookupTableSize(const Scope& s, Input table) {
  return s.AddOp1(Versioned("LookupTableSize", table), {table});
}

Output LookupTableImport(const Scope& s, Input table, Input keys,
                         Input values) {
  return Output(
      s.AddNode(Versioned("LookupTableImport", table), {table, keys, values}));
}

OutputList LookupTableExport(const Scope& s, Input table, DataType key_dtype,
                             DataType value_dtype) {
  return s.AddOp(Versioned("LookupTableExport", table), {table},
                 {{"Tkeys", key_dtype}, {"Tvalues", value_dtype}});
}

}  // namespace ops
}  // namespace graphflow
