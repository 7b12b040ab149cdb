#include "src/common/loopback.h"

#include "gtest/gtest.h"

namespace limiar {
namespace {

TEST(LoopbackTest, Hosts) {
  for (const char* host : {"localhost", "LocalHost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"", "10.0.0.5", "127.0.0.1.example.com", "127.0.0", "128.0.0.1",
                           "localhost.example.com", "::2", "192.0.2.10", "127.a.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(LoopbackTest, HostOfHostPortAndUrl) {
  EXPECT_EQ(HostOfHostPort("127.0.0.1:7070"), "127.0.0.1");
  EXPECT_EQ(HostOfHostPort("[::1]:7070"), "[::1]");
  EXPECT_EQ(HostOfHostPort("::1"), "::1");
  EXPECT_EQ(HostOfHostPort("platform"), "platform");
  EXPECT_EQ(HostOfUrl("http://10.0.0.5:8080/scale?x=1"), "10.0.0.5");
  EXPECT_EQ(HostOfUrl("https://platform.example/scale"), "platform.example");
  EXPECT_EQ(HostOfUrl("http://[::1]:80/"), "[::1]");
  EXPECT_EQ(HostOfUrl("http://localhost"), "localhost");
}

TEST(LoopbackTest, ListenAddresses) {
  auto v4 = SplitListenAddress("127.0.0.1:9464", "http_listen");
  ASSERT_TRUE(v4.ok()) << v4.status();
  EXPECT_EQ(v4->first, "127.0.0.1");
  EXPECT_EQ(v4->second, 9464);
  auto v6 = SplitListenAddress("[::1]:0", "http_listen");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->first, "::1");
  EXPECT_EQ(v6->second, 0);
  for (const char* bad : {"9464", "host:", "host:http", "host:65536", "host:-1"}) {
    auto r = SplitListenAddress(bad, "http_listen");
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(SplitListenAddress("localhost", "http_listen").status().message(),
            "http_listen \"localhost\": expected HOST:PORT, e.g. 127.0.0.1:9464");
}

TEST(LoopbackTest, GrpcTargets) {
  for (const char* target : {"127.0.0.1:443", "localhost:443", "dns:///localhost:443",
                             "dns://8.8.8.8/localhost:443", "ipv4:127.0.0.1:1,127.0.0.2:2",
                             "ipv6:[::1]:443", "unix:/run/platform.sock", "unix-abstract:x"}) {
    EXPECT_TRUE(IsLoopbackGrpcTarget(target)) << target;
  }
  for (const char* target : {"platform:443", "dns:///platform:443", "10.0.0.5:443",
                             "ipv4:127.0.0.1:1,10.0.0.5:2", "ipv6:[2001:db8::1]:443"}) {
    EXPECT_FALSE(IsLoopbackGrpcTarget(target)) << target;
  }
}

}  // namespace
}  // namespace limiar
