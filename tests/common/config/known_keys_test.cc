// Unknown keys everywhere: the nearest key, another system's name, what is not a key at all,
// or the list.
#include "src/common/config/known_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace limiar::config {
namespace {

using ::testing::ElementsAre;
using json = nlohmann::json;

const KnownKeys& Promql() {
  static const auto* known =
      new KnownKeys{.keys = {"server_address", "query", "interval_s", "timeout_s"},
                    .aliases = {{"pollingInterval", "interval_s"}, {"url", "server_address"}},
                    .alias_notes = {{"pollingInterval", " (in seconds)"}},
                    .not_keys = {{"threshold", "not a source key: the policy sets it"}}};
  return *known;
}

TEST(UnknownKeyHint, NearestAliasNotAKeyOrTheList) {
  std::string suggested;
  EXPECT_EQ(UnknownKeyHint("querry", Promql(), &suggested), "did you mean query?");
  EXPECT_EQ(suggested, "query");
  EXPECT_EQ(UnknownKeyHint("serverAddress", Promql()), "did you mean server_address?");
  EXPECT_EQ(UnknownKeyHint("polling_interval", Promql()), "did you mean interval_s? (in seconds)");
  // The note is the alias's: a plain typo of the key gets none.
  EXPECT_EQ(UnknownKeyHint("intervl_s", Promql()), "did you mean interval_s?");
  EXPECT_EQ(UnknownKeyHint("URL", Promql()), "did you mean server_address?");
  suggested.clear();
  EXPECT_EQ(UnknownKeyHint("Threshold", Promql(), &suggested),
            "not a source key: the policy sets it");
  EXPECT_EQ(suggested, "");
  EXPECT_EQ(UnknownKeyHint("zzz", Promql()),
            "known keys: server_address, query, interval_s, timeout_s");
  KnownKeys with_todo = Promql();
  with_todo.otherwise = "see the README";
  EXPECT_EQ(UnknownKeyHint("zzz", with_todo), "see the README");
}

TEST(RejectUnknownKeys, EveryUnknownKeyWithItsPathAndTheKeysSuggested) {
  Diagnostics d("f.json");
  const std::set<std::string> suggested =
      RejectUnknownKeys(json::parse(R"({"query": "up", "querry": 1, "zzz": 2, "url": 3})"),
                        "sources.web.promql", Promql(), d);
  EXPECT_THAT(suggested, ElementsAre("query", "server_address"));
  EXPECT_THAT(d.errors(),
              ElementsAre("f.json: sources.web.promql.querry: unknown key; did you mean query?",
                          "f.json: sources.web.promql.url: unknown key; did you mean "
                          "server_address?",
                          "f.json: sources.web.promql.zzz: unknown key; known keys: "
                          "server_address, query, interval_s, timeout_s"));
}

TEST(RejectNearMisses, OnlyKeysCloseToOurs) {
  Diagnostics d("f.json");
  const KnownKeys known{.keys = {"nome", "recursos"}, .aliases = {{"resources", "recursos"}}};
  const std::set<std::string> suggested =
      RejectNearMisses(json::parse(R"({"nome": "x", "recurso": [], "Resources": [], "versao": 2})"),
                       "", known, 2, d);
  EXPECT_THAT(suggested, ElementsAre("recursos"));
  EXPECT_THAT(d.errors(), ElementsAre("f.json: Resources: unknown key; did you mean recursos?",
                                      "f.json: recurso: unknown key; did you mean recursos?"));
}

}  // namespace
}  // namespace limiar::config
