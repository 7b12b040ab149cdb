#include "src/actuator/webhook_actuator.h"

#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "src/actuator/scale_state_parse.h"
#include "src/common/excerpt.h"
#include "src/common/regular_file.h"

namespace limiar::actuator {

std::string WebhookBody(const ScaleRequest& request) {
  // ordered_json keeps the documented key order, which makes bodies easy to eyeball.
  nlohmann::ordered_json body;
  body["target"] = request.target;
  body["replicas"] = request.replicas;
  body["previous_replicas"] = request.previous_replicas;
  body["reason"] = request.reason;
  body["message"] = request.message;
  body["time"] = absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", request.time, absl::UTCTimeZone());
  // `replace` keeps invalid UTF-8 in a message from turning into an exception.
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

WebhookActuator::WebhookActuator(WebhookOptions options, std::map<std::string, int32_t> initial)
    : options_(std::move(options)), last_set_("webhook", std::move(initial)) {}

absl::StatusOr<http::HttpRequest> WebhookActuator::BaseRequest() const {
  http::HttpRequest request;
  std::string token = options_.bearer_token;
  if (!options_.bearer_token_file.empty()) {
    absl::StatusOr<std::string> text =
        ReadRegularFile(options_.bearer_token_file, kMaxCredentialFileBytes, "bearer token file");
    if (!text.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("webhook actuator: bearer_token_file: ", text.status().message()));
    }
    token = std::string(absl::StripAsciiWhitespace(*text));
  }
  request.bearer_token = std::move(token);
  for (const auto& [name, value] : options_.headers) request.headers.emplace_back(name, value);
  request.timeout = options_.timeout;
  request.ca_file = options_.ca_file;
  return request;
}

absl::StatusOr<ScaleState> WebhookActuator::Observe(const std::string& target) {
  if (options_.observe_url.empty()) return last_set_.Get(target);
  absl::StatusOr<http::HttpRequest> base = BaseRequest();
  if (!base.ok()) return base.status();
  http::HttpRequest request = *std::move(base);
  request.method = "GET";
  request.url = absl::StrReplaceAll(options_.observe_url, {{"{target}", http::UrlEncode(target)}});
  request.headers.emplace_back("Accept", "application/json");
  absl::StatusOr<http::HttpResponse> response = http_.Send(request);
  if (!response.ok()) {
    return absl::Status(response.status().code(),
                        absl::StrCat("webhook actuator: ", response.status().message()));
  }
  if (absl::Status s = http::HttpStatusToStatus(
          response->status, absl::StrCat("webhook actuator: GET ", request.url, " answered HTTP ",
                                         response->status, ": ", Excerpt(response->body)));
      !s.ok()) {
    return s;
  }
  absl::StatusOr<ScaleState> state = ParseScaleStateJson(response->body);
  if (!state.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("webhook actuator: GET ", request.url, ": ", state.status().message()));
  }
  return state;
}

absl::Status WebhookActuator::SetReplicas(const ScaleRequest& request) {
  if (request.replicas < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("webhook actuator: negative replicas ", request.replicas));
  }
  absl::StatusOr<http::HttpRequest> base = BaseRequest();
  if (!base.ok()) return base.status();
  http::HttpRequest post = *std::move(base);
  post.method = "POST";
  post.url = options_.url;
  post.headers.emplace_back("Content-Type", "application/json");
  post.body = WebhookBody(request);
  absl::StatusOr<http::HttpResponse> response = http_.Send(post);
  if (!response.ok()) {
    return absl::Status(response.status().code(),
                        absl::StrCat("webhook actuator: ", response.status().message()));
  }
  if (absl::Status s = http::HttpStatusToStatus(
          response->status,
          absl::StrCat("webhook actuator: POST ", post.url, " for \"", request.target,
                       "\" answered HTTP ", response->status, ": ", Excerpt(response->body)));
      !s.ok()) {
    return s;
  }
  last_set_.Set(request.target, request.replicas);
  return absl::OkStatus();
}

}  // namespace limiar::actuator
