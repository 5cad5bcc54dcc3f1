#include "kl/op_trace.h"

#include <mutex>
#include <sstream>

#include "kl/shape.h"
#include "kl/tensor.h"

namespace kl {
namespace {

struct TraceState {
  std::mutex mutex;
  std::vector<OpTraceEvent> events;
  std::chrono::steady_clock::time_point origin;
  int64_t dropped = 0;
  int next_thread = 0;
};

TraceState& state() {
  static TraceState s;
  return s;
}

int thread_number() {
  thread_local int number = [] {
    std::lock_guard<std::mutex> lock(state().mutex);
    return state().next_thread++;
  }();
  return number;
}

void describe(std::ostringstream& out, const Tensors& tensors, int64_t* bytes) {
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (i) out << ", ";
    if (!t.defined()) {
      out << "none";
      continue;
    }
    out << dtype_name(t.dtype()) << shape_str(t.shape());
    *bytes += t.size() * int64_t(itemsize(t.dtype()));
  }
}

}  // namespace

void start_op_trace() {
  TraceState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.events.clear();
  s.dropped = 0;
  s.origin = std::chrono::steady_clock::now();
  detail::g_op_trace_on.store(true, std::memory_order_relaxed);
}

std::vector<OpTraceEvent> stop_op_trace(int64_t* dropped) {
  TraceState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  detail::g_op_trace_on.store(false, std::memory_order_relaxed);
  if (dropped) *dropped = s.dropped;
  std::vector<OpTraceEvent> events;
  events.swap(s.events);
  return events;
}

namespace detail {

std::atomic<bool> g_op_trace_on{false};

void record_op_event(const Op& op, const Tensors& inputs, const Tensors& outputs,
                     std::chrono::steady_clock::time_point start,
                     std::chrono::steady_clock::time_point end) {
  OpTraceEvent event;
  event.name = op.name();
  event.thread = thread_number();
  std::ostringstream shapes;
  describe(shapes, inputs, &event.bytes);
  shapes << " -> ";
  describe(shapes, outputs, &event.bytes);
  event.shapes = shapes.str();
  event.duration_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count();
  TraceState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!g_op_trace_on.load(std::memory_order_relaxed)) return;  // stopped meanwhile
  event.start_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(start - s.origin).count();
  if (s.events.size() >= kMaxOpTraceEvents) {
    ++s.dropped;
    return;
  }
  s.events.push_back(std::move(event));
}

}  // namespace detail
}  // namespace kl
