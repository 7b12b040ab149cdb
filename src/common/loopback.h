// Whether an address stays on this machine: a secret or a decision sent in clear text to
// a loopback address never crosses a network; sent anywhere else it may be read on the way.
#ifndef LIMIAR_COMMON_LOOPBACK_H_
#define LIMIAR_COMMON_LOOPBACK_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace limiar {

// `localhost`, 127.0.0.0/8 or ::1, with or without IPv6 brackets.
bool IsLoopbackHost(absl::string_view host);

// The host of "HOST:PORT", "[V6]:PORT" or a bare host.
std::string HostOfHostPort(absl::string_view host_port);

// A listen address "HOST:PORT" or "[V6]:PORT" as (host without brackets, port 0-65535);
// `what` names the setting in the error.
absl::StatusOr<std::pair<std::string, int>> SplitListenAddress(const std::string& listen,
                                                               absl::string_view what);

// The host of an http:// or https:// URL (no user info in Limiar's URLs).
std::string HostOfUrl(absl::string_view url);

// Whether a gRPC target ("host:port", "dns:///host:port", "ipv4:...", "ipv6:...",
// "unix:/path") reaches only this machine. A target naming several addresses is loopback
// only if all are.
bool IsLoopbackGrpcTarget(absl::string_view target);

}  // namespace limiar

#endif  // LIMIAR_COMMON_LOOPBACK_H_
