#pragma once
#include "kl/graph.h"

namespace kl::detail {

// Passes over a captured graph, run once when a capture ends. Neither changes a bit of what
// a run computes: a folded node's value is the one the traced call computed (only for nodes
// whose inputs are all folded, whose outputs nothing writes in place), and a removed node's
// outputs were never read.

// Nodes computable from constants alone (fill, arange and what follows from them) become
// captures holding their traced values.
void fold_constants(Graph& g, const Tensors& traced_values);
// Equal small constants only the graph holds become one, and nodes that compute the same thing
// as an earlier one (Op::same_computation on the same input values) read that node's outputs
// instead; the dead copies are then eliminated. Values written
// in place are distinct between writes, so inputs that some node writes only match within one
// stretch between in-place nodes, and no output that is written (or viewed and written) merges.
void eliminate_common_subexpressions(Graph& g, const Tensors& traced_values);
// Drops nodes whose outputs no output, live node or in-place update reads.
void eliminate_dead_code(Graph& g);
// A matmul whose one reader is a bias_activation or a bias add (a Dense layer) becomes one
// matmul with that epilogue (MatmulOp(FusedActivation)), applied to each block of the product while it is in
// cache; the pre-activation value it skips is read by nothing else.
void fuse_matmul_epilogues(Graph& g, const Tensors& traced_values);
// Runs of consecutive element-wise nodes of one shape and float dtype become one
// fused_elementwise node (kl/fused.h); only values read after the run are written out.
void fuse_elementwise(Graph& g, const Tensors& traced_values);
// Places every intermediate a node allocates (and nothing returned) in one arena: a buffer is
// reused only by a value made after the last node that reads or writes it (or any view of it)
// has run, so no kernel ever sees an output overlapping an input.
void plan_memory(Graph& g, const Tensors& traced_values);

}  // namespace kl::detail
