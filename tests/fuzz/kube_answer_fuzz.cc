// Everything the Kubernetes API server answers passes through these before Limiar acts on
// it: a Status body of a refused call (its message is quoted in errors), a Lease read for
// leader election, a list page and a watch event stored by an informer. Any bytes must be
// read or refused, never crash, and the cache must stay within its bound.
#include <cstddef>
#include <cstdint>
#include <utility>

#include "nlohmann/json.hpp"
#include "src/common/bounded_json.h"
#include "src/kube/api_client.h"
#include "src/kube/leader_election.h"
#include "src/kube/object_cache.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // The first byte picks the HTTP status of the refusal, as a server could send any.
  static constexpr long kCodes[] = {400, 401, 403, 404, 409, 410, 422, 429, 500, 503, 0, 302};
  const long code = kCodes[data[0] % (sizeof(kCodes) / sizeof(kCodes[0]))];
  const absl::string_view text = limiar::fuzz::AsText(data + 1, size - 1);

  limiar::kube::ResourceRef ref;
  ref.resource = "pods";
  ref.namespace_name = "shop";
  const absl::Status refused = limiar::kube::StatusFromAnswer(code, std::string(text), "list", ref);
  limiar::fuzz::Require(!refused.ok(), "a refusal read as success");
  limiar::fuzz::Require(refused.message().size() < 4096, "a refusal's message grew unbounded");

  absl::StatusOr<nlohmann::json> doc = limiar::ParseBoundedJson(text, {1 << 16, 32}, "answer");
  if (!doc.ok()) return 0;
  (void)limiar::kube::LeaseRecordFromLease(*doc);

  limiar::kube::ObjectCache cache(nullptr, 8);
  if (doc->is_object() && doc->contains("type")) {
    limiar::kube::WatchEvent event;
    if ((*doc)["type"].is_string()) event.type = (*doc)["type"].get<std::string>();
    if (doc->contains("object")) event.object = (*doc)["object"];
    (void)cache.Apply(std::move(event));
  } else {
    (void)cache.Replace(*std::move(doc));
  }
  limiar::fuzz::Require(cache.objects().size() <= 8, "the cache went past its bound");
  return 0;
}
