// Loopback ports for tests that start servers: their own, or a child's.
#ifndef LIMIAR_TESTS_SUPPORT_PORTS_H_
#define LIMIAR_TESTS_SUPPORT_PORTS_H_

namespace limiar::testing {

// A port on 127.0.0.1 that nothing listens on: the kernel picks a free one for a socket
// that is then closed. For programs that cannot bind port 0 and report theirs (node
// exporter), and for "nothing listens here" cases. Another process may take it in
// between; unlikely, and a test then fails loudly rather than passing wrongly. -1 when no
// socket could be had.
int UnusedPort();

// A connected TCP socket to 127.0.0.1:port (close-on-exec), or -1.
int ConnectLoopback(int port);

// Whether something accepts connections on 127.0.0.1:port now.
bool AcceptsConnections(int port);

// A socket on 127.0.0.1 (a port the kernel picked) that listens but never accepts unless
// the test does: connections complete in the kernel and requests are queued, but no answer
// comes (a hung peer), and the port stays taken (a port in use) until it goes away.
class LoopbackListener {
 public:
  // A failure to bind or listen fails the test; port() is then 0.
  LoopbackListener();
  ~LoopbackListener();
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  int fd() const { return fd_; }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_PORTS_H_
