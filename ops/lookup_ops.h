// Lookup tables (TF's lookup_ops): HashTable{,V2} created in the session's
// ResourceStore, filled by InitializeTable{,V2},
// InitializeTableFromTextFile{,V2} or LookupTableImport{,V2}, read by
// LookupTableFind{,V2}, LookupTableSize{,V2} and LookupTableExport{,V2}.
#ifndef GRAPHFLOW_OPS_LOOKUP_OPS_H_
#define GRAPHFLOW_OPS_LOOKUP_OPS_H_

#include <string>

#include "graph/scope.h"

namespace graphflow::ops {

// A DT_RESOURCE handle to a hash table (HashTableV2); an empty shared_name
// shares the table by node name only with use_node_name_sharing.
Output HashTableV2(const Scope& s, DataType key_dtype, DataType value_dtype,
                   const std::string& shared_name = "",
                   bool use_node_name_sharing = false);
// The V1 op's Ref(string) handle.
Output HashTable(const Scope& s, DataType key_dtype, DataType value_dtype,
                 const std::string& shared_name = "",
                 bool use_node_name_sharing = false);
// The V1 or V2 op, as the handle's dtype says.
Output InitializeTable(const Scope& s, Input table, Input keys, Input values);
Output InitializeTableFromTextFile(const Scope& s, Input table, Input filename,
                                   int64_t key_index, int64_t value_index,
                                   int64_t vocab_size = -1,
                                   const std::string& delimiter = "\t");
Output LookupTableFind(const Scope& s, Input table, Input keys,
                       Input default_value);
Output LookupTableSize(const Scope& s, Input table);
Output LookupTableImport(const Scope& s, Input table, Input keys, Input values);
// {keys, values}.
OutputList LookupTableExport(const Scope& s, Input table, DataType key_dtype,
                             DataType value_dtype);

}  // namespace graphflow::ops

#endif  // GRAPHFLOW_OPS_LOOKUP_OPS_H_
