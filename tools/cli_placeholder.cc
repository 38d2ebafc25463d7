// The runner's parts live in this folder; see tools/CMakeLists.txt.
namespace graphflow::cli {}
