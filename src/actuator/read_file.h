// Reading small files the actuators are pointed at: tokens, certificates, namespaces.
#ifndef LIMIAR_ACTUATOR_READ_FILE_H_
#define LIMIAR_ACTUATOR_READ_FILE_H_

#include <string>

#include "absl/status/statusor.h"

namespace limiar::actuator {

// The whole file. NotFound / PermissionDenied / FailedPrecondition name the path and the
// system's reason.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace limiar::actuator

#endif  // LIMIAR_ACTUATOR_READ_FILE_H_
