"""Lists, then reads one object of, every built-in kind the server's discovery offers, through the official
Kubernetes Python client's typed APIs, which check every field's type while deserializing. Prints one JSON
object: {"client": version, "results": {"Kind (group/version)": "ok" | "<error>"}}.
Usage: typed_client_reads.py KUBECONFIG"""
import json
import re
import sys

import kubernetes
from kubernetes import client, config

API_CLASSES = [
    "CoreV1Api", "AppsV1Api", "BatchV1Api", "NetworkingV1Api", "PolicyV1Api", "RbacAuthorizationV1Api",
    "StorageV1Api", "SchedulingV1Api", "DiscoveryV1Api", "AdmissionregistrationV1Api", "CertificatesV1Api",
    "NodeV1Api", "CoordinationV1Api", "EventsV1Api", "ApiextensionsV1Api", "FlowcontrolApiserverV1Api",
    "ApiregistrationV1Api", "AutoscalingV2Api",
]


def snake(kind):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", kind).lower()


def served(api):
    """(api class, group version, kind, namespaced) of every built-in resource discovery offers."""
    found = []
    for class_name in API_CLASSES:
        try:
            resources = getattr(client, class_name)(api).get_api_resources()
        except client.ApiException as error:
            if error.status == 404:
                continue  # a group this server does not serve
            raise
        for r in resources.resources:
            if "/" not in r.name and "list" in (r.verbs or []):
                found.append((class_name, resources.group_version, r.kind, r.namespaced))
    return found


def read_all(api, class_name, kind, namespaced):
    typed = getattr(client, class_name)(api)
    if namespaced:
        items = getattr(typed, f"list_{snake(kind)}_for_all_namespaces")().items
    else:
        items = getattr(typed, f"list_{snake(kind)}")().items
    for item in items[:3]:
        meta = item.metadata
        if namespaced:
            getattr(typed, f"read_namespaced_{snake(kind)}")(meta.name, meta.namespace)
        else:
            getattr(typed, f"read_{snake(kind)}")(meta.name)


def main():
    api = config.new_client_from_config(config_file=sys.argv[1])
    results = {}
    for class_name, group_version, kind, namespaced in served(api):
        name = f"{kind} ({group_version})"
        try:
            read_all(api, class_name, kind, namespaced)
            results[name] = "ok"
        except Exception as error:  # every failure is reported by name
            results[name] = f"{type(error).__name__}: {str(error)[:300]}"
    print(json.dumps({"client": kubernetes.__version__, "results": results}))


main()
