// What the load generators share: `limiar serve` as a child process (tests/support's
// launcher: started on loopback with ephemeral ports, its gRPC address read from its
// "serving:" log line, SIGTERM'd and reaped on destruction), blueprint text and
// command-line flags. Scratch folders are tests/support's ScopedTempDir.
#ifndef LIMIAR_BENCH_SERVE_CHILD_H_
#define LIMIAR_BENCH_SERVE_CHILD_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace limiar::bench {

// A compute `name` (2..`replicas_max` replicas) and its autoscale resource on `metric` at
// `threshold` % of `capacity` per replica: two items of a blueprint's `recursos` list, no
// trailing comma. Capacity is given, so that no warning line per target is printed.
std::string AutoscaledTarget(const std::string& name, int replicas_max, const std::string& metric,
                             int threshold, double capacity);
// AutoscaledTarget on requests at 65 % of 100/s per replica.
std::string RequestsTarget(const std::string& name, int replicas_max);

// A blueprint named `title` with `target(name)` for each of `names`.
std::string Blueprint(const std::string& title, const std::vector<std::string>& names,
                      const std::function<std::string(const std::string&)>& target);
// A blueprint named `title` with RequestsTarget(name, replicas_max) for each of `names`.
std::string RequestsBlueprint(const std::string& title, const std::vector<std::string>& names,
                              int replicas_max);

// The load generators' command lines: "--flag value" pairs, each flag bound to a field.
class Flags {
 public:
  Flags& Add(const std::string& flag, int* value);
  Flags& Add(const std::string& flag, double* value);
  Flags& Add(const std::string& flag, std::string* value);
  // False on --help, an unknown flag, a flag without its value or a number that is not one.
  bool Parse(int argc, char** argv) const;

 private:
  // Sets the bound field from the text; false when it does not parse.
  std::map<std::string, std::function<bool(const std::string&)>> setters_;
};

class ServeChild {
 public:
  // Runs `limiar serve --blueprint BLUEPRINT --grpc-listen 127.0.0.1:0 --http-listen
  // 127.0.0.1:0 EXTRA...`; false (with the reason on stderr) if it does not come up.
  bool Start(const std::string& limiar, const std::string& blueprint,
             const std::vector<std::string>& extra_args = {});

  const std::string& address() const { return address_; }
  int http_port() const { return http_port_; }
  std::string Output() const { return child_.Output(); }
  pid_t pid() const { return child_.pid(); }

 private:
  testing::ChildProcess child_;
  std::string address_;
  int http_port_ = 0;
};

}  // namespace limiar::bench

#endif  // LIMIAR_BENCH_SERVE_CHILD_H_
