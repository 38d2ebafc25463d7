#include "session/graph_optimizer.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace graphflow {
namespace {

bool IsFloating(const Node& node) {
  const DataType* t = node.FindAttr<DataType>("T");
  return t != nullptr && (*t == DT_FLOAT || *t == DT_DOUBLE);
}

bool IsNhwc(const Node& node) {
  const std::string* f = node.FindAttr<std::string>("data_format");
  return f == nullptr || *f == "NHWC";
}

// The two pooling nodes have the same window: ksize, strides, padding, T.
bool SameWindow(const Node& a, const Node& b) {
  auto same = [&]<typename T>(const char* name) {
    const T* va = a.FindAttr<T>(name);
    const T* vb = b.FindAttr<T>(name);
    return va != nullptr && vb != nullptr && *va == *vb;
  };
  return same.template operator()<std::vector<int64_t>>("ksize") &&
         same.template operator()<std::vector<int64_t>>("strides") &&
         same.template operator()<std::string>("padding") &&
         same.template operator()<DataType>("T");
}

class Rewriter {
 public:
  Rewriter(const Graph& graph, const KernelRegistry& kernels,
           const std::vector<const Node*>& order,
           const absl::flat_hash_set<Endpoint>& fed,
           const absl::flat_hash_set<Endpoint>& fetched)
      : graph_(graph), kernels_(kernels), fed_(fed), fetched_(fetched) {
    out_.fused = std::make_unique<Graph>(&graph.registry());
    for (const Node* node : order) {
      position_[node] = static_cast<int>(nodes_.size());
      nodes_.push_back({node, node->inputs()});
      original_.push_back(node);
    }
    dropped_.assign(nodes_.size(), false);
    hoisted_.assign(nodes_.size(), false);
  }

  OptimizedNodes Run() && {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const Node& node = *nodes_[i].node;
      if (node.op() == "MaxPool") FuseMaxPoolGradients(node);
    }
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const Node& node = *nodes_[i].node;
      if (node.op() == "Conv2D" || node.op() == "MatMul") FuseEpilogue(node);
    }
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (original_[i]->op() == "MaxPool" && !dropped_[i]) FuseConvPool(i);
    }
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (original_[i]->op() == "ApplyAdam") FuseAdamGradient(*original_[i]);
    }
    // Hoisted sources first, then the rest in order.
    for (bool hoisted : {true, false}) {
      for (size_t i = 0; i < nodes_.size(); ++i) {
        if (dropped_[i] || hoisted_[i] != hoisted) continue;
        for (Endpoint& in : nodes_[i].inputs) {
          auto it = out_.renamed.find(in);
          if (it != out_.renamed.end()) in = it->second;
        }
        out_.nodes.push_back(std::move(nodes_[i]));
      }
    }
    return std::move(out_);
  }

 private:
  bool InPlan(const Node* node) const { return position_.contains(node); }

  // Plan nodes reading `e`.
  std::vector<const Node*> Readers(Endpoint e) const {
    std::vector<const Node*> readers;
    for (const auto& [consumer, index] : e.node->consumers()) {
      if (InPlan(consumer) && consumer->input(index) == e) {
        readers.push_back(consumer);
      }
    }
    return readers;
  }

  // The one plan node reading `e` when a rewrite may fold `e` away: not fed,
  // not fetched, its producer not yet rewritten and ordering nothing by a
  // control edge; else nullptr.
  const Node* SoleReader(Endpoint e) const {
    if (fed_.contains(e) || fetched_.contains(e) || claimed_.contains(e.node) ||
        !e.node->control_outputs().empty()) {
      return nullptr;
    }
    std::vector<const Node*> readers = Readers(e);
    if (readers.size() != 1 || claimed_.contains(readers[0])) return nullptr;
    return readers[0];
  }

  bool Available(absl::string_view op) const {
    return kernels_.Find(op) != nullptr &&
           graph_.registry().Find(op) != nullptr;
  }

  // A fused node named `name` reading `inputs`, whose placeholders in the
  // fused graph give it their dtypes and shapes; nullptr if it does not
  // validate (the rewrite is then skipped).
  const Node* AddFused(const std::string& name, const std::string& op,
                       const std::vector<Endpoint>& inputs, AttrMap attrs) {
    if (!Available(op)) return nullptr;
    Graph& g = *out_.fused;
    NodeSpec spec{name, op, {}, {}, std::move(attrs), ""};
    for (const Endpoint& in : inputs) {
      // A ref input (a variable the fused op updates) needs a ref-typed
      // stand-in.
      const DataType type = in.node->output_type(in.index);
      auto stand_in = g.AddNode({absl::StrCat("_fused_input/", g.num_nodes()),
                                 IsRefType(type) ? "VariableV2" : "Placeholder",
                                 {},
                                 {},
                                 {{"dtype", BaseType(type)},
                                  {"shape", in.node->output_shape(in.index)}},
                                 ""});
      if (!stand_in.ok()) return nullptr;
      spec.inputs.push_back({*stand_in, 0});
    }
    if (g.FindNode(name) != nullptr) return nullptr;
    auto node = g.AddNode(std::move(spec));
    return node.ok() ? *node : nullptr;
  }

  // `fused` computes what `node` did, reading `inputs`.
  void Replace(const Node* node, const Node* fused,
               std::vector<Endpoint> inputs) {
    nodes_[position_.at(node)] = {fused, std::move(inputs)};
    fused_slot_[fused] = position_.at(node);
    claimed_.insert(node);
    for (int o = 0; o < node->num_outputs(); ++o) {
      out_.renamed[{const_cast<Node*>(node), o}] = {const_cast<Node*>(fused),
                                                    o};
    }
  }
  void Drop(const Node* node) {
    dropped_[position_.at(node)] = true;
    claimed_.insert(node);
  }

  // From here on `from` (a fused node's output) is `to`: renamed values stay
  // one hop from their final endpoint.
  void Reroute(Endpoint from, Endpoint to) {
    for (auto& [original, now] : out_.renamed) {
      if (now == from) now = to;
    }
    out_.renamed[from] = to;
  }

  // Whether a plan node other than slot `except` reads `a` or `b`.
  bool ReadElsewhere(Endpoint a, Endpoint b, size_t except) const {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (i == except || dropped_[i]) continue;
      for (const Endpoint& in : nodes_[i].inputs) {
        if (in == a || in == b) return true;
      }
    }
    return false;
  }

  // MaxPool -> MaxPoolWithArgmax when its MaxPoolGrads are in the plan; each
  // becomes MaxPoolGradWithArgmax, or with the ReluGrad reading it (features
  // = the pooled input) one _FusedMaxPoolGradReluGrad.
  void FuseMaxPoolGradients(const Node& pool) {
    const Endpoint y{const_cast<Node*>(&pool), 0};
    const Endpoint x = pool.input(0);
    if (!IsFloating(pool) || !IsNhwc(pool) || fed_.contains(y) ||
        claimed_.contains(&pool)) {
      return;
    }
    std::vector<const Node*> grads;
    for (const Node* r : Readers(y)) {
      if (r->op() == "MaxPoolGrad" && r->input(0) == x && r->input(1) == y &&
          IsNhwc(*r) && !claimed_.contains(r) &&
          !fed_.contains({const_cast<Node*>(r), 0}) && SameWindow(pool, *r)) {
        grads.push_back(r);
      }
    }
    if (grads.empty()) return;
    AttrMap attrs;
    for (const char* a : {"ksize", "strides", "padding", "T"}) {
      attrs[a] = pool.attrs().at(a);
    }
    attrs["include_batch_in_index"] = false;
    attrs["Targmax"] = DT_INT64;
    const Node* with_argmax =
        AddFused(pool.name(), "MaxPoolWithArgmax", {x}, attrs);
    if (with_argmax == nullptr) return;
    Replace(&pool, with_argmax, {x});
    const Endpoint fused_y{const_cast<Node*>(with_argmax), 0};
    const Endpoint argmax{const_cast<Node*>(with_argmax), 1};
    for (const Node* grad : grads) {
      const Endpoint dy = grad->input(2);
      const Node* relu_grad = SoleReader({const_cast<Node*>(grad), 0});
      if (relu_grad != nullptr && relu_grad->op() == "ReluGrad" &&
          relu_grad->input(1) == x &&
          !fed_.contains({const_cast<Node*>(relu_grad), 0})) {
        if (FuseFilterGradient(*relu_grad, dy, argmax, fused_y)) {
          Drop(grad);
          continue;
        }
        std::vector<Endpoint> in = {x, dy, argmax, fused_y};
        const Node* bias_grad = BiasGradientOf(*relu_grad);
        AttrMap relu_attrs = attrs;
        relu_attrs["emit_bias_grad"] = bias_grad != nullptr;
        if (const Node* f =
                AddFused(relu_grad->name(), "_FusedMaxPoolGradReluGrad", in,
                         relu_attrs)) {
          Replace(relu_grad, f, in);
          Drop(grad);
          if (bias_grad != nullptr) {
            Drop(bias_grad);
            out_.renamed[{const_cast<Node*>(bias_grad), 0}] = {
                const_cast<Node*>(f), 1};
          }
          continue;
        }
      }
      std::vector<Endpoint> in = {x, dy, argmax};
      if (const Node* f =
              AddFused(grad->name(), "MaxPoolGradWithArgmax", in, attrs)) {
        Replace(grad, f, in);
      }
    }
  }

  // The NHWC BiasAddGrad reading relu_grad's gradient (conv -> BiasAdd ->
  // relu -> pool), which the fused pool gradient can give as well; it runs
  // later, so whatever reads it still finds it in time. Else nullptr.
  const Node* BiasGradientOf(const Node& relu_grad) const {
    for (const Node* r : Readers({const_cast<Node*>(&relu_grad), 0})) {
      const Endpoint out{const_cast<Node*>(r), 0};
      if (r->op() == "BiasAddGrad" && IsNhwc(*r) && !claimed_.contains(r) &&
          !fed_.contains(out) && r->control_outputs().empty() &&
          position_.at(r) > position_.at(&relu_grad)) {
        return r;
      }
    }
    return nullptr;
  }

  // Conv2DBackpropFilter as the sole reader of relu_grad (the gradient of a
  // conv whose output, relu'd, is the pooled x) -> one
  // _FusedMaxPoolGradConv2DBackpropFilter reading the pool's argmax.
  bool FuseFilterGradient(const Node& relu_grad, Endpoint dy, Endpoint argmax,
                          Endpoint y) {
    const Node* filter_grad = SoleReader({const_cast<Node*>(&relu_grad), 0});
    if (filter_grad == nullptr || filter_grad->op() != "Conv2DBackpropFilter" ||
        filter_grad->input(2).node != &relu_grad || !IsNhwc(*filter_grad) ||
        !IsFloating(*filter_grad) ||
        fed_.contains({const_cast<Node*>(filter_grad), 0})) {
      return false;
    }
    const std::string* padding = filter_grad->FindAttr<std::string>("padding");
    if (padding == nullptr || *padding == "EXPLICIT") return false;
    std::vector<Endpoint> in = {filter_grad->input(0), filter_grad->input(1),
                                dy, argmax, y};
    const Node* fused =
        AddFused(filter_grad->name(), "_FusedMaxPoolGradConv2DBackpropFilter",
                 in, filter_grad->attrs());
    if (fused == nullptr) return false;
    Drop(&relu_grad);
    Replace(filter_grad, fused, in);
    return true;
  }

  // The pool at slot i (a MaxPool, or the MaxPoolWithArgmax it became)
  // reading a _FusedConv2D -> one _FusedConv2DMaxPool at the conv's slot,
  // which writes the activation only if something else still reads it.
  void FuseConvPool(size_t i) {
    const Node& pool = *original_[i];
    const Endpoint x = pool.input(0);
    auto conv_it = out_.renamed.find(x);
    // The fused node runs at the conv's place, before the pool's: a control
    // input of the pool could come in between.
    if (conv_it == out_.renamed.end() || !IsFloating(pool) || !IsNhwc(pool) ||
        !pool.control_inputs().empty()) {
      return;
    }
    const Endpoint conv = conv_it->second;
    if (conv.index != 0 || conv.node->op() != "_FusedConv2D" ||
        *conv.node->FindAttr<DataType>("T") != *pool.FindAttr<DataType>("T")) {
      return;
    }
    const size_t conv_slot = fused_slot_.at(conv.node);
    const bool emit = fetched_.contains(x) || ReadElsewhere(x, conv, i);
    AttrMap attrs = conv.node->attrs();
    attrs["ksize"] = pool.attrs().at("ksize");
    attrs["pool_strides"] = pool.attrs().at("strides");
    attrs["pool_padding"] = pool.attrs().at("padding");
    attrs["Targmax"] = DT_INT64;
    attrs["emit_activation"] = emit;
    const Node* was = nodes_[i].node;  // The MaxPool or MaxPoolWithArgmax.
    // A MaxPool that stayed one has no argmax for anything to read.
    attrs["emit_argmax"] = was->num_outputs() > 1;
    const std::vector<Endpoint> inputs = nodes_[conv_slot].inputs;
    const Node* fused = AddFused(absl::StrCat(pool.name(), "/_conv_pool"),
                                 "_FusedConv2DMaxPool", inputs, attrs);
    if (fused == nullptr) return;
    Node* f = const_cast<Node*>(fused);
    nodes_[conv_slot] = {fused, inputs};
    dropped_[i] = true;
    claimed_.insert(&pool);
    Reroute(conv, {f, 0});
    for (int o = 0; o < was->num_outputs(); ++o) {
      Reroute({const_cast<Node*>(was), o}, {f, o + 1});
    }
  }

  // ApplyAdam whose gradient is a float MatMul's product that nothing else
  // reads (directly, or through the Identity of TF's gradient tuples) -> one
  // _FusedMatMulApplyAdam at the update's place, when its banded path runs:
  // b read by rows and the variable's columns a multiple of 16.
  void FuseAdamGradient(const Node& apply) {
    const DataType* t = apply.FindAttr<DataType>("T");
    if (claimed_.contains(&apply) || t == nullptr || *t != DT_FLOAT) return;
    Endpoint grad = apply.input(9);
    const Node* reader = &apply;
    const Node* identity = nullptr;
    if (grad.node->op() == "Identity") {
      if (SoleReader(grad) != &apply) return;
      identity = reader = grad.node;
      grad = identity->input(0);
    }
    const Node* product = grad.node;
    const bool* transpose_b = product->FindAttr<bool>("transpose_b");
    if (product->op() != "MatMul" || SoleReader(grad) != reader ||
        transpose_b == nullptr || *transpose_b) {
      return;
    }
    const Endpoint var = apply.input(0);
    const PartialShape shape = var.node->output_shape(var.index);
    if (shape.rank() != 2 || shape.dim(1) <= 0 || shape.dim(1) % 16 != 0) {
      return;
    }
    std::vector<Endpoint> inputs(apply.inputs().begin(),
                                 apply.inputs().begin() + 9);
    inputs.push_back(product->input(0));
    inputs.push_back(product->input(1));
    AttrMap attrs = apply.attrs();
    const bool* transpose_a = product->FindAttr<bool>("transpose_a");
    const bool x_transposed = transpose_a != nullptr && *transpose_a;
    attrs["transpose_a"] = x_transposed;
    attrs["transpose_b"] = false;
    const Node* input_grad =
        x_transposed ? MovableInputGradient(apply, *product) : nullptr;
    attrs["emit_input_grad"] = input_grad != nullptr;
    const Node* fused =
        AddFused(apply.name(), "_FusedMatMulApplyAdam", inputs, attrs);
    if (fused == nullptr) return;
    Drop(product);
    if (identity != nullptr) Drop(identity);
    if (input_grad == nullptr) {
      Replace(&apply, fused, inputs);
      return;
    }
    // The update moves up to the input gradient's place and gives both.
    const int slot = position_.at(input_grad);
    nodes_[slot] = {fused, inputs};
    fused_slot_[fused] = slot;
    claimed_.insert(input_grad);
    Drop(&apply);
    Node* f = const_cast<Node*>(fused);
    out_.renamed[{const_cast<Node*>(&apply), 0}] = {f, 0};
    out_.renamed[{const_cast<Node*>(input_grad), 0}] = {f, 1};
  }

  // The layer's input gradient MatMul(dy, w, transpose_b) beside its weight
  // gradient `product` = MatMul(x, dy, transpose_a), w being the variable
  // `apply` updates (or its read), when the update can run at its place;
  // else nullptr.
  const Node* MovableInputGradient(const Node& apply, const Node& product) {
    const Endpoint dy = product.input(1);
    const Endpoint var = apply.input(0);
    for (const Node* d : Readers(dy)) {
      const bool* ta = d->FindAttr<bool>("transpose_a");
      const bool* tb = d->FindAttr<bool>("transpose_b");
      if (d == &product || d->op() != "MatMul" || claimed_.contains(d) ||
          d->input(0) != dy || ta == nullptr || *ta || tb == nullptr || !*tb ||
          fed_.contains({const_cast<Node*>(d), 0})) {
        continue;
      }
      const Endpoint w = d->input(1);
      const int to = position_.at(d);
      if (w == var) {
        if (CanMoveUp(apply, product, to, to)) return d;
      } else if (w.node->op() == "Identity" && w.node->input(0) == var &&
                 InPlan(w.node)) {
        // The fused op reads the variable itself: nothing may change it
        // after the read the MatMul saw.
        if (CanMoveUp(apply, product, to, position_.at(w.node))) return d;
      }
    }
    return nullptr;
  }

  // A Const or a variable: no inputs, nothing ordered before it.
  static bool IsSource(const Node& node) {
    return node.num_inputs() == 0 && node.control_inputs().empty() &&
           (node.op() == "Const" || node.op() == "VariableV2");
  }

  // The slots of `node` and what it reads when they can all run first: a
  // source, or a variable's read that nothing before it changes (the
  // optimizer's hyper-parameters and beta powers are made after the
  // gradients, so they come after an update's new place); else empty.
  std::vector<int> Hoistable(const Node& node) const {
    if (IsSource(node)) return {position_.at(&node)};
    if (node.op() != "Identity" || !node.control_inputs().empty() ||
        !IsSource(*node.input(0).node) || !InPlan(node.input(0).node)) {
      return {};
    }
    const int read = position_.at(&node);
    for (int i = 0; i < read; ++i) {
      for (const Endpoint& in : nodes_[i].inputs) {
        if (in == node.input(0)) return {};
      }
    }
    return {position_.at(node.input(0).node), read};
  }

  // The slot where `e` is produced: its fused producer's, or -1 when it is
  // fed or outside the plan.
  int ReadySlot(Endpoint e) const {
    auto it = out_.renamed.find(e);
    const Node* node = it == out_.renamed.end() ? e.node : it->second.node;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!dropped_[i] && nodes_[i].node == node) return static_cast<int>(i);
    }
    return fed_.contains(e) || !InPlan(e.node) ? -1 : position_.at(e.node);
  }

  // Whether `apply`, its gradient from `product`, can run at slot `to`
  // instead of its own: their inputs and control inputs are ready by then,
  // and from slot `since` (<= to) on until its own nothing else reads the
  // variables it updates.
  bool CanMoveUp(const Node& apply, const Node& product, int to, int since) {
    const int from = position_.at(&apply);
    for (const Node* node : {&apply, &product}) {
      for (const Node* c : node->control_inputs()) {
        if (InPlan(c) && position_.at(c) >= to) return false;
      }
    }
    for (int i : {0, 1}) {
      if (ReadySlot(product.input(i)) >= to) return false;
    }
    std::vector<int> hoist;
    for (int i = 0; i < 9; ++i) {
      const int ready = ReadySlot(apply.input(i));
      if (ready < to) continue;
      const std::vector<int> slots = Hoistable(*apply.input(i).node);
      if (slots.empty()) return false;
      hoist.insert(hoist.end(), slots.begin(), slots.end());
    }
    for (int i = since + 1; i < from; ++i) {
      if (i == to || dropped_[i]) continue;
      for (const Endpoint& in : nodes_[i].inputs) {
        for (int v = 0; v < 3; ++v) {
          if (in == apply.input(v)) return false;
        }
      }
    }
    for (int slot : hoist) hoisted_[slot] = true;
    return true;
  }

  // Conv2D / MatMul, then BiasAdd and/or Relu reading only the previous
  // value -> one _FusedConv2D / _FusedMatMul at the last one's place.
  void FuseEpilogue(const Node& product) {
    if (!IsFloating(product) || !IsNhwc(product) ||
        claimed_.contains(&product)) {
      return;
    }
    std::vector<const Node*> chain = {&product};
    std::vector<std::string> fused_ops;
    std::vector<Endpoint> inputs = {product.input(0), product.input(1)};
    const Node* next = SoleReader({const_cast<Node*>(chain.back()), 0});
    if (next != nullptr && next->op() == "BiasAdd" && IsNhwc(*next) &&
        next->input(0).node == chain.back()) {
      fused_ops.push_back("BiasAdd");
      inputs.push_back(next->input(1));
      chain.push_back(next);
      next = SoleReader({const_cast<Node*>(next), 0});
    }
    if (next != nullptr && next->op() == "Relu") {
      fused_ops.push_back("Relu");
      chain.push_back(next);
    }
    if (fused_ops.empty() ||
        fed_.contains({const_cast<Node*>(chain.back()), 0})) {
      return;
    }
    AttrMap attrs = product.attrs();
    attrs["num_args"] = static_cast<int64_t>(inputs.size() - 2);
    attrs["fused_ops"] = fused_ops;
    const Node* last = chain.back();
    const Node* fused =
        AddFused(last->name(),
                 product.op() == "Conv2D" ? "_FusedConv2D" : "_FusedMatMul",
                 inputs, attrs);
    if (fused == nullptr) return;
    for (size_t i = 0; i + 1 < chain.size(); ++i) Drop(chain[i]);
    Replace(last, fused, inputs);
  }

  const Graph& graph_;
  const KernelRegistry& kernels_;
  const absl::flat_hash_set<Endpoint>& fed_;
  const absl::flat_hash_set<Endpoint>& fetched_;
  absl::flat_hash_map<const Node*, int> position_;
  std::vector<PlanNode> nodes_;
  std::vector<const Node*> original_;  // Each slot's node before rewrites.
  absl::flat_hash_map<const Node*, size_t> fused_slot_;
  std::vector<bool> dropped_;
  std::vector<bool> hoisted_;                 // Run first: see Hoistable.
  absl::flat_hash_set<const Node*> claimed_;  // Rewritten or dropped.
  OptimizedNodes out_;
};

}  // namespace

OptimizedNodes OptimizeNodes(const Graph& graph, const KernelRegistry& kernels,
                             const std::vector<const Node*>& order,
                             const absl::flat_hash_set<Endpoint>& fed,
                             const absl::flat_hash_set<Endpoint>& fetched,
                             bool optimize) {
  if (!optimize) {
    OptimizedNodes out;
    for (const Node* node : order) out.nodes.push_back({node, node->inputs()});
    return out;
  }
  return Rewriter(graph, kernels, order, fed, fetched).Run();
}

}  // namespace graphflow
