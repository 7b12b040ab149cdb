#include "src/common/http/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace limiar::http {
namespace {

// curl_global_init is not safe to race with other curl calls in every libcurl build, so it
// runs once, before the first handle exists.
void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::string* body;
  size_t max;
  bool overflow = false;
  // For Stream: the consumer of a 2xx body, and whether it (or keep_going) said stop.
  const StreamConsumer* consumer = nullptr;
  CURL* curl = nullptr;
  bool stopped = false;
};

size_t Write(char* data, size_t size, size_t nmemb, void* user) {
  Sink* sink = static_cast<Sink*>(user);
  const size_t n = size * nmemb;
  if (sink->consumer != nullptr) {
    long status = 0;
    curl_easy_getinfo(sink->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      if (sink->consumer->on_data(absl::string_view(data, n))) return n;
      sink->stopped = true;
      return 0;  // CURLE_WRITE_ERROR, read as a stop below
    }
  }
  if (sink->body->size() + n > sink->max) {
    sink->overflow = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  std::string& body = *sink->body;
  if (body.size() + n > body.capacity()) {
    // Doubling as append would, but never past the cap: a body just under it then costs
    // the cap, not twice the cap.
    body.reserve(std::min(sink->max, std::max(2 * body.capacity(), body.size() + n)));
  }
  body.append(data, n);
  return n;
}

// CURLOPT_XFERINFOFUNCTION: libcurl calls it about once a second even when no data flows.
int Progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  Sink* sink = static_cast<Sink*>(user);
  if (!sink->consumer->keep_going || sink->consumer->keep_going()) return 0;
  sink->stopped = true;
  return 1;  // CURLE_ABORTED_BY_CALLBACK, read as a stop below
}

// A PEM blob option; libcurl copies the bytes.
void SetBlob(CURL* curl, CURLoption option, const std::string& pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  curl_easy_setopt(curl, option, &blob);
}

// RFC 9110 token characters, the only ones a header name may hold.
bool IsHeaderName(absl::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           absl::string_view("!#$%&'*+-.^_`|~").find(c) != absl::string_view::npos;
  });
}

// A line break in a value would let a configured header smuggle in others.
bool IsHeaderValue(absl::string_view value) {
  return value.find_first_of("\r\n", 0) == absl::string_view::npos &&
         value.find('\0') == absl::string_view::npos;
}

absl::Status CurlError(CURLcode code, const char* detail, const HttpRequest& request,
                       const Sink& sink) {
  const std::string where = absl::StrCat(request.method, " ", UrlForMessage(request.url));
  const std::string what =
      absl::StrCat(where, ": ", detail[0] != '\0' ? detail : curl_easy_strerror(code));
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(
          absl::StrCat(what, " (timeout ", absl::FormatDuration(request.timeout), ")"));
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return absl::InvalidArgumentError(what);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return absl::FailedPreconditionError(what);
    case CURLE_WRITE_ERROR:
      if (sink.overflow) {
        return absl::ResourceExhaustedError(
            absl::StrCat(where, ": response body larger than ", request.max_body_bytes, " bytes"));
      }
      return absl::UnavailableError(what);
    default:
      return absl::UnavailableError(what);
  }
}

// Appends one "Name: value" line, checked.
absl::Status AppendHeader(const HttpRequest& request, absl::string_view name,
                          absl::string_view value, curl_slist** headers) {
  if (!IsHeaderName(name) || !IsHeaderValue(value)) {
    return absl::InvalidArgumentError(absl::StrCat(request.method, " ", UrlForMessage(request.url),
                                                   ": header \"", name, "\" is not a valid ",
                                                   IsHeaderName(name) ? "value" : "name"));
  }
  // "Name;" is curl's spelling of a header with an empty value ("Name:" would drop it).
  const std::string line =
      value.empty() ? absl::StrCat(name, ";") : absl::StrCat(name, ": ", value);
  *headers = curl_slist_append(*headers, line.c_str());
  return absl::OkStatus();
}

}  // namespace

std::string UrlEncode(absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out.push_back(c);
    } else {
      const auto u = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

absl::string_view UrlForMessage(absl::string_view url) {
  return url.substr(0, std::min(url.find('?'), url.size()));
}

HttpClient::HttpClient() {
  GlobalInitOnce();
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

absl::StatusOr<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  return Perform(request, nullptr);
}

absl::StatusOr<HttpResponse> HttpClient::Stream(const HttpRequest& request,
                                                const StreamConsumer& consumer) {
  return Perform(request, &consumer);
}

absl::StatusOr<HttpResponse> HttpClient::Perform(const HttpRequest& request,
                                                 const StreamConsumer* consumer) {
  if (!absl::StartsWith(request.url, "http://") && !absl::StartsWith(request.url, "https://")) {
    return absl::InvalidArgumentError(absl::StrCat(request.method, " ", UrlForMessage(request.url),
                                                   ": only http:// and https:// URLs"));
  }
  curl_slist* headers = nullptr;
  absl::Status header_status;
  for (const auto& [name, value] : request.headers) {
    header_status = AppendHeader(request, name, value, &headers);
    if (!header_status.ok()) break;
  }
  if (header_status.ok() && !request.bearer_token.empty()) {
    header_status = AppendHeader(request, "Authorization",
                                 absl::StrCat("Bearer ", request.bearer_token), &headers);
  }
  if (!header_status.ok()) {
    curl_slist_free_all(headers);
    return header_status;
  }
  // curl would otherwise send "Expect: 100-continue" for larger bodies and wait for it.
  headers = curl_slist_append(headers, "Expect:");

  MutexLock lock(&mu_);
  CURL* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) {
    curl_slist_free_all(headers);
    return absl::InternalError("curl_easy_init failed");
  }
  // Reset clears the previous call's options but keeps the connection cache.
  curl_easy_reset(curl);
  HttpResponse response;
  Sink sink{&response.body, request.max_body_bytes};
  sink.consumer = consumer;
  sink.curl = curl;
  char error[CURL_ERROR_SIZE] = {0};
  const long timeout_ms =
      std::max<int64_t>(1, absl::ToInt64Milliseconds(request.timeout));  // 0 means none
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  // Signals are the process's; libcurl would otherwise use SIGALRM for resolver timeouts.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  // Whatever libcurl can decode, except on a stream: a compressing server holds lines back
  // until its compressor's buffer fills, and a watch's events must arrive as they happen.
  if (consumer == nullptr) curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "limiar");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (!request.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(curl, CURLOPT_USERNAME, request.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, request.password.c_str());
  }
  if (!request.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_file.c_str());
  if (!request.client_cert_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, request.client_cert_file.c_str());
  }
  if (!request.client_key_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLKEY, request.client_key_file.c_str());
  }
  if (!request.ca_pem.empty()) SetBlob(curl, CURLOPT_CAINFO_BLOB, request.ca_pem);
  if (!request.client_cert_pem.empty())
    SetBlob(curl, CURLOPT_SSLCERT_BLOB, request.client_cert_pem);
  if (!request.client_key_pem.empty()) SetBlob(curl, CURLOPT_SSLKEY_BLOB, request.client_key_pem);
  if (consumer != nullptr) {
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &Progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &sink);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }
  if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  const CURLcode code = curl_easy_perform(curl);
  absl::Status status;
  if (code != CURLE_OK && !sink.stopped) {
    status = CurlError(code, error, request, sink);
  } else {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    char* content_type = nullptr;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &content_type);
    if (content_type != nullptr) response.content_type = content_type;
  }
  // The handle must not keep pointers into this call's locals.
  curl_easy_reset(curl);
  curl_slist_free_all(headers);
  if (!status.ok()) return status;
  return response;
}

absl::Status HttpStatusToStatus(long status, absl::string_view message) {
  if (status >= 200 && status < 300) return absl::OkStatus();
  if (status == 429) return absl::ResourceExhaustedError(message);
  if (status == 500) return absl::InternalError(message);
  if (status >= 500) return absl::UnavailableError(message);
  switch (status) {
    case 400:
    case 422:
      return absl::InvalidArgumentError(message);
    case 401:
      return absl::UnauthenticatedError(message);
    case 403:
      return absl::PermissionDeniedError(message);
    case 404:
      return absl::NotFoundError(message);
    default:
      return absl::FailedPreconditionError(message);
  }
}

}  // namespace limiar::http
