#!/usr/bin/env python3
"""What the chart renders is what the binary accepts and runs.

For each values profile that runs serve, renders the chart with the real Helm, takes the
ConfigMap's config.json and blueprint.json, and runs `limiar serve --check` on them (the
binary given): a key the chart spells differently from serve, a source for a target the
blueprint lacks, a value out of range fails here, not in a CrashLoopBackOff.

The sweep profile is replayed as the cluster would run it: the ConfigMap's files where the
pods mount them (a temporary folder here), every index of the Indexed Job with the Job's own
arguments ($(JOB_COMPLETION_INDEX) filled in as the kubelet does), then the merge Job's.

  tests/chart/rendered_config_test.py HELM LIMIAR
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHART = os.path.join(ROOT, "charts/limiar")

# name -> helm arguments; the profiles that run serve (the sweep profile runs no serve).
PROFILES = {
    "default": [],
    "sidecar": ["-f", os.path.join(CHART, "profiles/sidecar.yaml")],
    "full": ["-f", os.path.join(ROOT, "tests/chart/values/full.yaml"),
             "--api-versions", "monitoring.coreos.com/v1"],
    "cluster-wide": ["-f", os.path.join(ROOT, "tests/chart/values/cluster-wide.yaml")],
    "webhook": ["-f", os.path.join(ROOT, "tests/chart/values/webhook.yaml")],
}


def rendered_files(helm, args):
    out = subprocess.run([helm, "template", "limiar", CHART, "-n", "shop"] + args,
                         check=True, capture_output=True, text=True).stdout
    files = {}
    for obj in yaml.safe_load_all(out):
        if obj and obj.get("kind") == "ConfigMap":
            for key in ("config.json", "blueprint.json"):
                if key in (obj.get("data") or {}):
                    files[key] = obj["data"][key]
    return files


def sweep_replay(helm, limiar):
    """Runs the sweep profile's Jobs with their rendered arguments; returns failures."""
    out = subprocess.run([helm, "template", "limiar", CHART, "-n", "sims", "-f",
                          os.path.join(CHART, "profiles/sweep.yaml")],
                         check=True, capture_output=True, text=True).stdout
    objects = [o for o in yaml.safe_load_all(out) if o]
    config_maps = {o["metadata"]["name"]: o for o in objects if o["kind"] == "ConfigMap"}
    jobs = [o for o in objects if o["kind"] == "Job"]
    shards = [j for j in jobs if j["spec"].get("completionMode") == "Indexed"]
    merges = [j for j in jobs if j["spec"].get("completionMode") != "Indexed"]
    if len(shards) != 1 or len(merges) != 1:
        return ["sweep: expected one Indexed Job and one merge Job, got %d and %d"
                % (len(shards), len(merges))]
    failures = []
    with tempfile.TemporaryDirectory(prefix="limiar-sweep-") as tmp:
        def mounted(job):
            """The job's mount paths mapped into tmp, ConfigMaps written out."""
            spec = job["spec"]["template"]["spec"]
            volumes = {v["name"]: v for v in spec.get("volumes", [])}
            paths = {}
            for m in spec["containers"][0].get("volumeMounts", []):
                local = os.path.join(tmp, m["name"])
                os.makedirs(local, exist_ok=True)
                cm = volumes[m["name"]].get("configMap")
                if cm:
                    for key, text in config_maps[cm["name"]]["data"].items():
                        with open(os.path.join(local, key), "w") as f:
                            f.write(text)
                paths[m["mountPath"]] = local
            return paths

        def run(job, env):
            container = job["spec"]["template"]["spec"]["containers"][0]
            paths = mounted(job)
            args = []
            for a in container.get("command", [])[1:] + container.get("args", []):
                for var, value in env.items():
                    a = a.replace("$(%s)" % var, value)
                # One pass, so that a path already mapped (under /tmp itself) is not mapped
                # again by the /tmp mount.
                mounts = sorted(paths, key=len, reverse=True)
                pattern = r"(?<![\w/])(%s)(?=/|$)" % "|".join(re.escape(m) for m in mounts)
                args.append(re.sub(pattern, lambda m: paths[m.group(1)], a))
            r = subprocess.run([limiar] + args, capture_output=True, text=True)
            print("%-4s limiar %s" % ("ok" if r.returncode == 0 else "FAIL", " ".join(args)))
            if r.returncode != 0:
                failures.append("sweep: `limiar %s` failed:\n%s%s" % (" ".join(args), r.stdout,
                                                                      r.stderr))
            return r.stdout

        shard_job = shards[0]
        for index in range(shard_job["spec"]["completions"]):
            run(shard_job, {"JOB_COMPLETION_INDEX": str(index)})
        merged = run(merges[0], {})
        if not failures:
            print(merged)
            if not os.path.exists(os.path.join(tmp, "results")):
                failures.append("sweep: the merge wrote no results")
    return failures


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    helm, limiar = sys.argv[1], os.path.abspath(sys.argv[2])
    failures = []
    for name, args in PROFILES.items():
        files = rendered_files(helm, args)
        missing = [k for k in ("config.json", "blueprint.json") if k not in files]
        if missing:
            failures.append("%s: the chart rendered no %s" % (name, " or ".join(missing)))
            continue
        with tempfile.TemporaryDirectory(prefix="limiar-chart-") as tmp:
            paths = {}
            for key, text in files.items():
                paths[key] = os.path.join(tmp, key)
                with open(paths[key], "w") as f:
                    f.write(text)
            r = subprocess.run([limiar, "serve", "--check", "--config", paths["config.json"],
                                "--blueprint", paths["blueprint.json"]],
                               capture_output=True, text=True)
        status = "ok" if r.returncode == 0 else "FAIL"
        print("%-4s %s\n%s" % (status, name, "".join("     " + l + "\n" for l in
                                                     (r.stdout + r.stderr).splitlines())))
        if r.returncode != 0:
            failures.append("%s: limiar serve --check refused the rendered config" % name)
    failures += sweep_replay(helm, limiar)
    if failures:
        sys.exit("\n".join(failures))
    print("limiar serve --check accepts the config of all %d profiles; the sweep profile's "
          "Jobs ran and merged" % len(PROFILES))


if __name__ == "__main__":
    main()
