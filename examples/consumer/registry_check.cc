// Proves a program linking graphflow sees every op and kernel: no
// registration is dropped by the linker. `registry_check --list` prints the
// registries (run from the build tree, it writes the expected list);
// `registry_check LIST` compares this program's registries with LIST, then
// runs a GraphDef whose ops this file never names in C++.
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "graphflow/graphflow.h"
#include "kernels/all_kernels.h"

namespace {

using namespace graphflow;

std::string Registries() {
  std::string out;
  for (const std::string& op : GlobalOpRegistry().OpNames()) {
    out += "op " + op + "\n";
  }
  for (const std::string& op : GlobalKernelRegistry().OpNames()) {
    out += "kernel " + op + "\n";
  }
  return out;
}

// The lines of `a` that are not lines of `b`, each after a space.
std::string LinesNotIn(const std::string& a, const std::string& b) {
  std::istringstream in_a(a), in_b(b);
  std::set<std::string> lines_b;
  for (std::string line; std::getline(in_b, line);) lines_b.insert(line);
  std::string out;
  for (std::string line; std::getline(in_a, line);) {
    if (!lines_b.contains(line)) out += " '" + line + "'";
  }
  return out;
}

// sqrt(sum(square([1, 2, 3]))) = sqrt(14).
// clang-format off
constexpr char kGraph[] = R"pb(
  node { name: "x" op: "Const"
         attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "value" value { tensor { dtype: DT_FLOAT
             tensor_shape { dim { size: 3 } } float_val: [1, 2, 3] } } } }
  node { name: "axis" op: "Const"
         attr { key: "dtype" value { type: DT_INT32 } }
         attr { key: "value" value { tensor { dtype: DT_INT32
             tensor_shape {} int_val: 0 } } } }
  node { name: "square" op: "Square" input: "x"
         attr { key: "T" value { type: DT_FLOAT } } }
  node { name: "sum" op: "Sum" input: "square" input: "axis"
         attr { key: "T" value { type: DT_FLOAT } }
         attr { key: "Tidx" value { type: DT_INT32 } }
         attr { key: "keep_dims" value { b: false } } }
  node { name: "norm" op: "Sqrt" input: "sum"
         attr { key: "T" value { type: DT_FLOAT } } }
)pb";
// clang-format on

absl::Status Check(const std::string& list_path) {
  std::ifstream in(list_path);
  std::stringstream expected;
  expected << in.rdbuf();
  if (!in || expected.str().empty()) {
    return absl::NotFoundError("cannot read " + list_path);
  }
  const std::string actual = Registries();
  if (actual != expected.str()) {
    return absl::FailedPreconditionError(
        "registries differ from the build tree's; missing:" +
        LinesNotIn(expected.str(), actual) +
        "; unexpected:" + LinesNotIn(actual, expected.str()));
  }
  ASSIGN_OR_RETURN(tensorflow::GraphDef graph_def,
                   ParseGraphDef(kGraph, "registry_check graph"));
  ASSIGN_OR_RETURN(auto session,
                   Session::Create(graph_def, GlobalOpRegistry()));
  ASSIGN_OR_RETURN(std::vector<Tensor> out,
                   session->Run(NamedTensors{}, {"norm"}));
  const float norm = out[0].data<float>()[0];
  if (norm < 3.7416 || norm > 3.7417) {
    return absl::InternalError("norm is " + std::to_string(norm));
  }
  std::printf("%zu ops, %zu kernels, GraphDef ran: norm %.4f\n",
              GlobalOpRegistry().OpNames().size(),
              GlobalKernelRegistry().OpNames().size(), norm);
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: registry_check --list | LIST\n");
    return 2;
  }
  if (std::string(argv[1]) == "--list") {
    std::fputs(Registries().c_str(), stdout);
    return 0;
  }
  absl::Status status = Check(argv[1]);
  if (!status.ok()) {
    std::fprintf(stderr, "registry_check: %s\n",
                 std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
