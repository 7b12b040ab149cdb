// The one HTTP client against a LocalHttpServer on 127.0.0.1: what it sends (method, body,
// headers, credentials), what it refuses to send, its body cap and how failures map to
// absl::Status. No test waits on wall time.
#include "src/common/http/http_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "src/common/mutex.h"
#include "src/common/regular_file.h"
#include "tests/support/local_http_server.h"
#include "tests/support/ports.h"
#include "tests/support/test_certs.h"
#include "tests/support/test_dir.h"

namespace limiar::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadFile(const std::string& path) {
  return ReadRegularFile(path, kMaxCredentialFileBytes, "CA").value_or("");
}

TEST(HttpClientTest, RefusesOversizedBodiesAndBadHeaders) {
  testing::LocalHttpServer server;
  server.server().Get("/big", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(1000, 'x'), "text/plain");
  });
  server.Start();
  HttpClient http;
  HttpRequest request;
  request.url = server.base_url() + "/big?secret=1";
  request.max_body_bytes = 100;
  absl::StatusOr<HttpResponse> r = http.Send(request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(r.status().message(), HasSubstr("larger than 100 bytes"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("secret")));

  request.max_body_bytes = 1000;
  r = http.Send(request);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->content_type, "text/plain");
  EXPECT_EQ(r->body.size(), 1000u);

  request.headers = {{"X-Evil", "a\r\nInjected: yes"}};
  EXPECT_EQ(http.Send(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.headers = {{"Bad Name", "x"}};
  EXPECT_EQ(http.Send(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.headers.clear();
  request.bearer_token = "a\nb";
  EXPECT_EQ(http.Send(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.bearer_token.clear();
  request.url = "ftp://127.0.0.1/";
  const absl::Status ftp = http.Send(request).status();
  EXPECT_EQ(ftp.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ftp.message(), HasSubstr("GET ftp://127.0.0.1/"));
}

TEST(HttpClientTest, SendsMethodBodyHeadersAndBearerToken) {
  testing::LocalHttpServer server;
  std::string method, body, auth, tenant, content_type;
  server.server().Patch("/scale", [&](const httplib::Request& req, httplib::Response& res) {
    method = req.method;
    body = req.body;
    auth = req.get_header_value("Authorization");
    tenant = req.get_header_value("X-Tenant");
    content_type = req.get_header_value("Content-Type");
    res.status = 409;
    res.set_content("{\"kind\":\"Status\"}", "application/json");
  });
  server.Start();
  HttpClient http;
  HttpRequest request;
  request.method = "PATCH";
  request.url = server.base_url() + "/scale";
  request.headers = {{"X-Tenant", "a"}, {"Content-Type", "application/merge-patch+json"}};
  request.body = R"({"spec":{"replicas":3}})";
  request.bearer_token = "t0ken";
  const absl::StatusOr<HttpResponse> r = http.Send(request);
  ASSERT_TRUE(r.ok()) << r.status();
  // Any HTTP status is a response; the caller decides what it means.
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(r->body, "{\"kind\":\"Status\"}");
  EXPECT_EQ(method, "PATCH");
  EXPECT_EQ(body, R"({"spec":{"replicas":3}})");
  EXPECT_EQ(auth, "Bearer t0ken");
  EXPECT_EQ(tenant, "a");
  EXPECT_EQ(content_type, "application/merge-patch+json");
}

// The bytes a request puts on the wire: a socket that listens but never accepts until the
// client has given up (a deliberate 200 ms timeout), then reads what the kernel queued.
// httplib, the test server elsewhere, drops empty headers, so it cannot show them.
TEST(HttpClientTest, EmptyHeaderValuesAreSent) {
  const ::limiar::testing::LoopbackListener listener;
  ASSERT_GT(listener.port(), 0);
  HttpClient http;
  HttpRequest request;
  request.url = absl::StrCat("http://127.0.0.1:", listener.port(), "/");
  request.headers = {{"X-Empty", ""}, {"X-Full", "1"}};
  request.timeout = absl::Milliseconds(200);
  EXPECT_EQ(http.Send(request).status().code(), absl::StatusCode::kDeadlineExceeded);
  const int conn = ::accept(listener.fd(), nullptr, nullptr);
  ASSERT_GE(conn, 0);
  char buf[4096];
  const ssize_t n = ::recv(conn, buf, sizeof buf, MSG_DONTWAIT);
  ::close(conn);
  ASSERT_GT(n, 0);
  const std::string wire(buf, static_cast<size_t>(n));
  // curl drops "Name:" unless spelled "Name;".
  EXPECT_THAT(wire, HasSubstr("\r\nX-Empty:\r\n"));
  EXPECT_THAT(wire, HasSubstr("\r\nX-Full: 1\r\n"));
}

TEST(HttpClientTest, RefusedConnectionIsUnavailableAndNamesTheUrl) {
  HttpClient http;
  HttpRequest request;
  request.method = "POST";
  request.url = absl::StrCat("http://127.0.0.1:", testing::UnusedPort(), "/hook?token=x");
  const absl::Status s = http.Send(request).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(s.message(), HasSubstr("POST http://127.0.0.1:"));
  EXPECT_THAT(s.message(), Not(HasSubstr("token=x")));
}

TEST(HttpClientTest, UnreadableTlsFilesFailBeforeAnyHandshake) {
  // The TLS setup fails on the files before any handshake, so a plain server will do.
  testing::LocalHttpServer server;
  const int port = server.Start();
  HttpClient http;
  HttpRequest request;
  request.url = absl::StrCat("https://127.0.0.1:", port, "/");
  request.ca_file = "/nonexistent/ca.pem";
  absl::StatusOr<HttpResponse> r = http.Send(request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();

  request.ca_file.clear();
  request.client_cert_file = "/nonexistent/client.pem";
  request.client_key_file = "/nonexistent/client-key.pem";
  r = http.Send(request);
  EXPECT_FALSE(r.ok());
}

// A chunked body that the server sends one line at a time, as a Kubernetes watch does.
TEST(HttpClientStreamTest, DeliversAStreamedBodyPieceByPiece) {
  testing::LocalHttpServer server;
  server.server().Get("/watch", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/json", [](size_t, httplib::DataSink& sink) {
      for (const char* line : {"{\"type\":\"ADDED\"}\n", "{\"type\":\"MODIFIED\"}\n"}) {
        sink.write(line, std::strlen(line));
      }
      sink.done();
      return true;
    });
  });
  server.Start();
  HttpClient http;
  HttpRequest request;
  request.url = server.base_url() + "/watch";
  std::string streamed;
  const absl::StatusOr<HttpResponse> r =
      http.Stream(request, {[&](absl::string_view piece) {
                              streamed.append(piece.data(), piece.size());
                              return true;
                            },
                            nullptr});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->content_type, "application/json");
  EXPECT_EQ(r->body, "");  // the consumer had it
  EXPECT_EQ(streamed, "{\"type\":\"ADDED\"}\n{\"type\":\"MODIFIED\"}\n");
}

TEST(HttpClientStreamTest, TheConsumerOrKeepGoingStopsAStreamWithoutAnError) {
  // What the idle handler waits on outlives the server, which joins its threads first.
  Mutex mu;
  CondVar released;
  bool release = false;
  testing::LocalHttpServer server;
  // An endless stream: one line, then one more each time the client has taken the last.
  server.server().Get("/endless", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/json", [](size_t, httplib::DataSink& sink) {
      return sink.write("{}\n", 3);  // false once the client has gone
    });
  });
  // One line and then silence until the test ends it: an idle watch.
  server.server().Get("/idle", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/json", [&](size_t, httplib::DataSink& sink) {
      sink.write("{}\n", 3);
      MutexLock lock(&mu);
      while (!release) released.Wait(&mu);
      return false;
    });
  });
  server.Start();
  HttpClient http;
  HttpRequest request;
  request.url = server.base_url() + "/endless";
  int pieces = 0;
  absl::StatusOr<HttpResponse> r =
      http.Stream(request, {[&](absl::string_view) { return ++pieces < 3; }, nullptr});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(pieces, 3);

  // keep_going is asked while no data flows: the idle stream ends long before its timeout.
  request.url = server.base_url() + "/idle";
  request.timeout = absl::Hours(1);
  bool got_line = false;
  r = http.Stream(request,
                  {[&](absl::string_view) { return got_line = true; }, [&] { return !got_line; }});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(got_line);
  MutexLock lock(&mu);
  release = true;
  released.SignalAll();
}

TEST(HttpClientStreamTest, AnErrorAnswerIsReadWholeForTheCaller) {
  testing::LocalHttpServer server;
  server.server().Get("/watch", [](const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_content(R"({"kind":"Status","reason":"Forbidden"})", "application/json");
  });
  server.Start();
  HttpClient http;
  HttpRequest request;
  request.url = server.base_url() + "/watch";
  bool consumed = false;
  const absl::StatusOr<HttpResponse> r =
      http.Stream(request, {[&](absl::string_view) { return consumed = true; }, nullptr});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->body, R"({"kind":"Status","reason":"Forbidden"})");
  EXPECT_FALSE(consumed);
}

// A kubeconfig carries its CA as certificate-authority-data: PEM text, not a file.
TEST(HttpClientTest, VerifiesTheServerWithACaGivenAsPemText) {
  testing::TestDir dir;
  const testing::TestCerts certs = testing::MakeTestCerts(dir.path().string());
  std::filesystem::create_directory(dir / "other");
  const testing::TestCerts other = testing::MakeTestCerts(dir / "other");
  testing::LocalHttpServer server(certs.server_cert, certs.server_key);
  server.server().Get("/version", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", "application/json");
  });
  server.Start();
  HttpClient http;
  HttpRequest request;
  request.url = server.base_url() + "/version";
  request.ca_pem = ReadFile(certs.ca_cert);
  const absl::StatusOr<HttpResponse> r = http.Send(request);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);

  request.ca_pem = ReadFile(other.ca_cert);  // a CA that did not sign the server
  EXPECT_EQ(http.Send(request).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(HttpStatusToStatusTest, MapsRetryableAndPermanentCodes) {
  EXPECT_TRUE(HttpStatusToStatus(204, "x").ok());
  EXPECT_EQ(HttpStatusToStatus(429, "x").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(HttpStatusToStatus(500, "x").code(), absl::StatusCode::kInternal);
  EXPECT_EQ(HttpStatusToStatus(503, "x").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(HttpStatusToStatus(400, "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpStatusToStatus(401, "x").code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(HttpStatusToStatus(403, "x").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(HttpStatusToStatus(404, "x").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(HttpStatusToStatus(409, "x").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(HttpStatusToStatus(422, "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpStatusToStatus(418, "teapot").message(), "teapot");
}

}  // namespace
}  // namespace limiar::http
