#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/cli/client_commands.h"

namespace limiar::cli {
namespace {

limiar::v1::TargetStatus* AddTarget(limiar::v1::StatusResponse& status, const std::string& name) {
  limiar::v1::TargetStatus* t = status.add_targets();
  t->mutable_resource()->set_target(name);
  t->mutable_resource()->set_algorithm("hpa");
  t->mutable_resource()->set_mode(limiar::v1::MODE_ENFORCE);
  t->mutable_resource()->set_min_replicas(2);
  t->mutable_resource()->set_max_replicas(12);
  return t;
}

TEST(StatusTableTest, ALongTargetNameKeepsEveryColumnInLine) {
  limiar::v1::StatusResponse status;
  limiar::v1::Decision* d =
      AddTarget(status, "checkout-api-for-the-black-friday-campaign")->mutable_last_decision();
  d->set_current_replicas(3);
  d->set_ready_replicas(3);
  d->set_desired_replicas(10);
  d->set_reason("scale-up");
  d->set_message("cpu 180% of target");
  AddTarget(status, "web");
  EXPECT_EQ(StatusTable(status),
            "TARGET                                      ALGO  MODE     BOUNDS  CURRENT  READY  "
            "DESIRED  REASON    WHY\n"
            "checkout-api-for-the-black-friday-campaign  hpa   enforce  2..12         3      3  "
            "     10  scale-up  cpu 180% of target\n"
            "web                                         hpa   enforce  2..12         -      -  "
            "      -  -         no evaluation yet\n");
}

}  // namespace
}  // namespace limiar::cli
