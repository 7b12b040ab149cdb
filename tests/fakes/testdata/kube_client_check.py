#!/usr/bin/python3
"""Checks the fake Kubernetes API server (tests/fakes/fake_kube_api.h) with a client that
nobody here wrote: the upstream Python client (Debian's python3-kubernetes), through its
typed APIs, so that every answer is deserialized into the client's models as a program
talking to a real cluster would see it.

Run by tests/fakes/kube_client_check_test.cc, which seeds the fake, passes a kubeconfig the
fake wrote, and makes the watch events happen once this script prints "watching". Prints one
line per check ("ok ..." or "FAIL ...") and exits 1 if any failed, 2 if the client is
missing.
"""
import argparse
import datetime
import json
import sys

try:
    from kubernetes import client, config, watch
    from kubernetes.client.rest import ApiException
except ImportError as error:
    print(f"FAIL import kubernetes: {error}: install the Debian package python3-kubernetes "
          "(scripts/install-deps.sh lists it)", flush=True)
    sys.exit(2)

failures = 0
passes = 0


def check(name, condition, detail=None):
    global failures, passes
    if condition:
        passes += 1
        print(f"ok   {name}", flush=True)
    else:
        failures += 1
        print(f"FAIL {name}: {detail!r}", flush=True)


def api_error(call):
    """The ApiException that `call` raises, or None."""
    try:
        call()
    except ApiException as error:
        return error
    return None


def status_body(error):
    try:
        return json.loads(error.body)
    except (TypeError, ValueError):
        return {}


def check_pods(core, ns):
    pods = core.list_namespaced_pod(ns, label_selector="app=web")
    names = sorted(p.metadata.name for p in pods.items)
    check("list_namespaced_pod(label_selector='app=web') returns the web pods",
          isinstance(pods, client.V1PodList) and names == ["web-1", "web-2"], names)
    check("the list has a resourceVersion", bool(pods.metadata.resource_version),
          pods.metadata)
    first = pods.items[0]
    check("items deserialize into V1Pod with labels, uid and creation time",
          isinstance(first, client.V1Pod) and first.metadata.labels.get("app") == "web"
          and first.metadata.uid and isinstance(first.metadata.creation_timestamp,
                                                datetime.datetime),
          first.metadata)
    check("a pod's containers deserialize",
          first.spec.containers[0].name == "app", first.spec)
    set_based = core.list_namespaced_pod(ns, label_selector="app in (web,db),app notin (db)")
    check("set-based label selector",
          sorted(p.metadata.name for p in set_based.items) == ["web-1", "web-2"],
          [p.metadata.name for p in set_based.items])
    by_name = core.list_namespaced_pod(ns, field_selector="metadata.name=db-1")
    check("field selector metadata.name",
          [p.metadata.name for p in by_name.items] == ["db-1"],
          [p.metadata.name for p in by_name.items])
    first_page = core.list_namespaced_pod(ns, label_selector="app=web", limit=1)
    token = first_page.metadata._continue
    check("limit=1 gives one pod and a continue token",
          len(first_page.items) == 1 and bool(token), first_page.metadata)
    second_page = core.list_namespaced_pod(ns, label_selector="app=web", limit=1,
                                           _continue=token)
    check("the token gives the next pod, the first page's resourceVersion and no further token",
          [p.metadata.name for p in first_page.items + second_page.items] == ["web-1", "web-2"]
          and second_page.metadata.resource_version == first_page.metadata.resource_version
          and not second_page.metadata._continue,
          second_page.metadata)
    return pods.metadata.resource_version


def check_watch(core, ns, resource_version):
    print("watching", flush=True)
    stream = watch.Watch()
    seen = []
    for event in stream.stream(core.list_namespaced_pod, ns, label_selector="app=web",
                               resource_version=resource_version, allow_watch_bookmarks=True,
                               timeout_seconds=30):
        if event["type"] == "BOOKMARK":
            seen.append(("BOOKMARK", event["raw_object"]["metadata"]["resourceVersion"]))
            stream.stop()
            break
        obj = event["object"]
        check(f"watch {event['type']} object is a V1Pod", isinstance(obj, client.V1Pod), obj)
        seen.append((event["type"], obj.metadata.name))
    types = [t for t, _ in seen]
    check("watch sees ADDED, MODIFIED, DELETED of web-3 and then a BOOKMARK",
          types == ["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]
          and all(name == "web-3" for t, name in seen if t != "BOOKMARK"), seen)


def check_expired_watch(core, ns, expired_version):
    stream = watch.Watch()
    error = api_error(lambda: list(stream.stream(core.list_namespaced_pod, ns,
                                                 resource_version=expired_version,
                                                 timeout_seconds=10)))
    check("a watch from a compacted resourceVersion raises ApiException 410 Expired",
          error is not None and error.status == 410 and "Expired" in str(error.reason)
          and "too old resource version" in str(error.reason), error)


def check_lease(ns):
    coordination = client.CoordinationV1Api()
    now = datetime.datetime.now(datetime.timezone.utc)
    lease = client.V1Lease(
        metadata=client.V1ObjectMeta(name="limiar-leader"),
        spec=client.V1LeaseSpec(holder_identity="limiar-0", lease_duration_seconds=15,
                                acquire_time=now, renew_time=now, lease_transitions=0))
    created = coordination.create_namespaced_lease(ns, lease)
    check("create_namespaced_lease returns a V1Lease with uid and resourceVersion",
          isinstance(created, client.V1Lease) and created.metadata.uid
          and created.metadata.resource_version, created.metadata)
    check("the lease's MicroTime fields read back as datetimes",
          isinstance(created.spec.renew_time, datetime.datetime), created.spec)
    read = coordination.read_namespaced_lease("limiar-leader", ns)
    check("read_namespaced_lease", read.spec.holder_identity == "limiar-0", read.spec)
    stale_version = read.metadata.resource_version
    read.spec.holder_identity = "limiar-1"
    read.spec.lease_transitions = 1
    replaced = coordination.replace_namespaced_lease("limiar-leader", ns, read)
    check("replace_namespaced_lease takes the new holder and a new resourceVersion",
          replaced.spec.holder_identity == "limiar-1"
          and replaced.metadata.resource_version != stale_version, replaced.metadata)
    read.metadata.resource_version = stale_version
    read.spec.holder_identity = "limiar-2"
    error = api_error(lambda: coordination.replace_namespaced_lease("limiar-leader", ns, read))
    body = status_body(error) if error else {}
    check("a replace with a stale resourceVersion raises ApiException 409 Conflict",
          error is not None and error.status == 409 and body.get("reason") == "Conflict"
          and "the object has been modified" in body.get("message", ""), error)
    error = api_error(lambda: coordination.create_namespaced_lease(ns, lease))
    check("creating it again raises 409 AlreadyExists",
          error is not None and error.status == 409
          and status_body(error).get("reason") == "AlreadyExists", error)


def check_config_map(core, ns):
    created = core.create_namespaced_config_map(ns, client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="limiar-state", labels={"app": "limiar"}),
        data={"state": "{}"}))
    check("create_namespaced_config_map", isinstance(created, client.V1ConfigMap)
          and created.data == {"state": "{}"}, created)
    patched = core.patch_namespaced_config_map("limiar-state", ns,
                                               {"data": {"state": '{"replicas":3}'}})
    check("patch_namespaced_config_map (a dict: strategic merge patch)",
          patched.data == {"state": '{"replicas":3}'}, patched.data)
    patched = core.patch_namespaced_config_map(
        "limiar-state", ns, [{"op": "add", "path": "/data/extra", "value": "1"}])
    check("patch_namespaced_config_map (a list: JSON patch)",
          patched.data == {"state": '{"replicas":3}', "extra": "1"}, patched.data)
    read = core.read_namespaced_config_map("limiar-state", ns)
    check("read_namespaced_config_map sees both patches",
          read.data == {"state": '{"replicas":3}', "extra": "1"}
          and read.metadata.resource_version == patched.metadata.resource_version, read)


def check_scale(ns):
    apps = client.AppsV1Api()
    scale = apps.read_namespaced_deployment_scale("web", ns)
    check("read_namespaced_deployment_scale returns a V1Scale",
          isinstance(scale, client.V1Scale) and scale.spec.replicas == 3
          and scale.status.replicas == 2 and scale.status.selector == "app=web,tier=front",
          scale)
    patched = apps.patch_namespaced_deployment_scale("web", ns, {"spec": {"replicas": 5}})
    check("patch_namespaced_deployment_scale", patched.spec.replicas == 5, patched.spec)
    deployment = apps.read_namespaced_deployment("web", ns)
    check("the deployment took the replicas (and a new generation)",
          isinstance(deployment, client.V1Deployment) and deployment.spec.replicas == 5
          and deployment.metadata.generation == 2, deployment.metadata)


def check_pod_metrics(ns):
    metrics = client.CustomObjectsApi().list_namespaced_custom_object(
        "metrics.k8s.io", "v1beta1", ns, "pods")
    items = metrics.get("items", [])
    check("list_namespaced_custom_object(metrics.k8s.io/v1beta1 pods)",
          metrics.get("kind") == "PodMetricsList" and len(items) == 1
          and items[0]["containers"][0]["usage"]["cpu"] == "250m", metrics)


def check_event(ns):
    event = client.EventsV1Event(
        metadata=client.V1ObjectMeta(generate_name="web."),
        event_time=datetime.datetime.now(datetime.timezone.utc),
        action="Scale", reason="ScaledUp", note="3 -> 5 replicas", type="Normal",
        reporting_controller="limiar.dev/autoscaler", reporting_instance="limiar-0",
        regarding=client.V1ObjectReference(api_version="apps/v1", kind="Deployment",
                                           name="web", namespace=ns))
    created = client.EventsV1Api().create_namespaced_event(ns, event)
    check("EventsV1Api.create_namespaced_event (generateName, eventTime)",
          isinstance(created, client.EventsV1Event) and created.metadata.name.startswith("web.")
          and isinstance(created.event_time, datetime.datetime)
          and created.regarding.name == "web", created)


def check_errors(core, ns):
    error = api_error(lambda: core.read_namespaced_pod("missing", ns))
    body = status_body(error) if error else {}
    check("reading a missing pod raises ApiException 404 NotFound",
          error is not None and error.status == 404 and body.get("reason") == "NotFound"
          and body.get("message") == 'pods "missing" not found'
          and body.get("details") == {"name": "missing", "kind": "pods"}, error)
    error = api_error(lambda: core.list_namespaced_config_map("kube-system"))
    body = status_body(error) if error else {}
    check("a denied list raises ApiException 403 Forbidden",
          error is not None and error.status == 403 and body.get("reason") == "Forbidden"
          and "cannot list resource \"configmaps\"" in body.get("message", ""), error)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--expired-resource-version", required=True)
    args = parser.parse_args()
    config.load_kube_config(config_file=args.kubeconfig)
    _, context = config.list_kube_config_contexts(config_file=args.kubeconfig)
    ns = context["context"]["namespace"]
    core = client.CoreV1Api()

    resource_version = check_pods(core, ns)
    check_watch(core, ns, resource_version)
    check_expired_watch(core, ns, args.expired_resource_version)
    check_lease(ns)
    check_config_map(core, ns)
    check_scale(ns)
    check_pod_metrics(ns)
    check_event(ns)
    check_errors(core, ns)
    print(f"{passes} passed, {failures} failed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
