#pragma once
// The profiler's record (keras_like.profiler): while a trace is on, every kernel a dispatch runs,
// on any thread (graph replays and server workers included), leaves one event with its op, wall
// time, operand shapes and bytes moved. Off, dispatch pays one relaxed atomic load.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "kl/op.h"

namespace kl {

struct OpTraceEvent {
  std::string name;         // the op's name ("matmul", "add", "fused_elementwise", ...)
  int64_t start_ns = 0;     // since the trace started
  int64_t duration_ns = 0;  // kernel wall time
  int thread = 0;           // a small per-thread number, in order of first use
  std::string shapes;       // "float32[128, 784], float32[784, 256] -> float32[128, 256]"
  int64_t bytes = 0;        // inputs read plus outputs written
};

// Starts a trace (dropping any earlier one's events); at most kMaxOpTraceEvents are kept.
void start_op_trace();
// Ends the trace and returns its events in the order they finished; `dropped` gets how many
// did not fit.
std::vector<OpTraceEvent> stop_op_trace(int64_t* dropped = nullptr);
constexpr size_t kMaxOpTraceEvents = 4'000'000;

namespace detail {
extern std::atomic<bool> g_op_trace_on;
inline bool op_trace_on() { return g_op_trace_on.load(std::memory_order_relaxed); }
void record_op_event(const Op& op, const Tensors& inputs, const Tensors& outputs,
                     std::chrono::steady_clock::time_point start,
                     std::chrono::steady_clock::time_point end);
}  // namespace detail

}  // namespace kl
