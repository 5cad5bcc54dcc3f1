#include "kl/device.h"

#include <stdexcept>

#include "kl/error.h"

namespace kl {

const char* device_kind_name(DeviceKind kind) {
  switch (kind) {
    case DeviceKind::cpu: return "cpu";
    case DeviceKind::cuda: return "cuda";
    case DeviceKind::meta: return "meta";
  }
  return "?";
}

std::string device_name(const Device& d) {
  return std::string(device_kind_name(d.kind)) + ":" + std::to_string(d.index);
}

Device device_from_name(const std::string& name) {
  std::string kind = name, index = "0";
  auto colon = name.find(':');
  if (colon != std::string::npos) {
    kind = name.substr(0, colon);
    index = name.substr(colon + 1);
  }
  for (auto k : {DeviceKind::cpu, DeviceKind::cuda, DeviceKind::meta}) {
    if (kind == device_kind_name(k) || (k == DeviceKind::cuda && kind == "gpu")) {
      try {
        return Device{k, std::stoi(index)};
      } catch (const std::exception&) {
        break;
      }
    }
  }
  throw std::invalid_argument(
      error_message("Invalid device name: '", name, "'. Expected 'cpu', 'cuda:N' or 'meta'"));
}

}  // namespace kl
