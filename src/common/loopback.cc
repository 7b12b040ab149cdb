#include "src/common/loopback.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace limiar {

bool IsLoopbackHost(absl::string_view host) {
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  if (absl::EqualsIgnoreCase(host, "localhost") || host == "::1") return true;
  // 127.0.0.0/8, as four dotted decimal parts.
  const std::vector<absl::string_view> parts = absl::StrSplit(host, '.');
  if (parts.size() != 4 || parts[0] != "127") return false;
  for (absl::string_view p : parts) {
    if (p.empty() || p.size() > 3 ||
        !std::all_of(p.begin(), p.end(), [](char c) { return absl::ascii_isdigit(c); })) {
      return false;
    }
  }
  return true;
}

std::string HostOfHostPort(absl::string_view host_port) {
  if (absl::StartsWith(host_port, "[")) {
    const size_t close = host_port.find(']');
    return std::string(
        host_port.substr(0, close == absl::string_view::npos ? host_port.size() : close + 1));
  }
  // More than one colon without brackets: a bare IPv6 address.
  const size_t colon = host_port.find(':');
  if (colon == absl::string_view::npos ||
      host_port.find(':', colon + 1) != absl::string_view::npos) {
    return std::string(host_port);
  }
  return std::string(host_port.substr(0, colon));
}

absl::StatusOr<std::pair<std::string, int>> SplitListenAddress(const std::string& listen,
                                                               absl::string_view what) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " \"", listen, "\": expected HOST:PORT, e.g. 127.0.0.1:9464"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::make_pair(host, port);
}

std::string HostOfUrl(absl::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme != absl::string_view::npos) url.remove_prefix(scheme + 3);
  return HostOfHostPort(url.substr(0, url.find_first_of("/?#")));
}

bool IsLoopbackGrpcTarget(absl::string_view target) {
  if (absl::StartsWith(target, "unix:") || absl::StartsWith(target, "unix-abstract:")) {
    return true;
  }
  for (absl::string_view scheme : {"ipv4:", "ipv6:"}) {
    if (!absl::ConsumePrefix(&target, scheme)) continue;
    // A comma-separated list of addresses.
    for (absl::string_view address : absl::StrSplit(target, ',')) {
      if (!IsLoopbackHost(HostOfHostPort(address))) return false;
    }
    return true;
  }
  // "dns:///host:port", "dns://authority/host:port" or a bare "host:port".
  if (absl::ConsumePrefix(&target, "dns:")) {
    if (absl::ConsumePrefix(&target, "//"))
      target.remove_prefix(std::min(target.size(), target.find('/') + 1));
  }
  return IsLoopbackHost(HostOfHostPort(target));
}

}  // namespace limiar
