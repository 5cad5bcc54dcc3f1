#pragma once
#include <string>

namespace kl {

enum class DeviceKind : uint8_t { cpu, cuda, meta };
constexpr int kNumDeviceKinds = 3;

struct Device {
  DeviceKind kind = DeviceKind::cpu;
  int index = 0;
  bool operator==(const Device& o) const { return kind == o.kind && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
};

const char* device_kind_name(DeviceKind kind);
std::string device_name(const Device& d);  // "cpu:0", "meta:0"
Device device_from_name(const std::string& name);

}  // namespace kl
