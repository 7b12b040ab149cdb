// Scrape mode of the kubernetes source: the existing Scraper fetches the pods, fed with
// their endpoints through ScrapeTarget::discovery (the path an endpoints file takes), so
// there is one scraper, with its caps, rates and status, whatever finds the endpoints.
//
//   each Dispatch -> pod informer changed since the last call? -> ScrapeEndpointsOf(pods)
//   (ready replicas with an IP; port and path from the config or the pod's prometheus.io
//   annotations) -> the Scraper adds new pods and removes those that left from the store.
#ifndef LIMIAR_METRICS_KUBERNETES_KUBE_SCRAPE_H_
#define LIMIAR_METRICS_KUBERNETES_KUBE_SCRAPE_H_

#include "src/metrics/kubernetes/kube_source.h"
#include "src/metrics/scrape/scrape_poller.h"

namespace limiar::metrics {

// The Scraper's target for `source` (scrape mode; `source` must outlive the Scraper). Its
// discovery reads the source's pod cache only: it never blocks on the API server. Lines in
// the status's file_line_errors name pods that could not be scraped (no port).
ScrapeTarget KubeScrapeTarget(const KubePodSource* source);

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_KUBERNETES_KUBE_SCRAPE_H_
