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

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_PORTS_H_
