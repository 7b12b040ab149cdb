#ifndef LIMIAR_CLI_DEMO_COMMAND_H_
#define LIMIAR_CLI_DEMO_COMMAND_H_

#include <ostream>
#include <string>

namespace limiar::cli {

struct DemoOptions {
  std::string blueprint_path = "../shared/blueprints/ecommerce-high-traffic.json";
  std::string target;  // empty: the blueprint's first managed target
};

// `limiar demo`: drives the production ControlLoop on virtual time through a built-in
// flash-sale demand sequence (baseline, 10x spike, decay) over a toy cluster whose new
// replicas take 30 s to become ready, and prints every decision with its reason.
int RunDemoCommand(const DemoOptions& options, std::ostream& out, std::ostream& err);

}  // namespace limiar::cli

#endif  // LIMIAR_CLI_DEMO_COMMAND_H_
