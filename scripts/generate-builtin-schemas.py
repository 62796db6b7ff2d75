#!/usr/bin/env python3
"""Writes Sources/EmbeddedCluster/Resources/builtin-schemas.json: the structure of every built-in kind the
embedded cluster serves (field names and JSON types), for its OpenAPI documents and its
unknown-field validation.

The structure is read from the official Kubernetes Python client (PyPI `kubernetes`, which
scripts/install-deps.sh installs into /usr/local/lib/capstan/python): each model class lists its fields and
their types. Only names and types are written, never a description, so no Kubernetes text enters the project.
Run it again after upgrading that client:

    PYTHONPATH=/usr/local/lib/capstan/python python3 scripts/generate-builtin-schemas.py
"""

import importlib
import inspect
import json
import os
import pkgutil
import re
import sys
import typing

import kubernetes.client.api as apis
import kubernetes.client.models as models

# API module prefix → API group, as discovery names it.
GROUPS = {
    "core": "", "apps": "apps", "batch": "batch", "autoscaling": "autoscaling", "policy": "policy",
    "networking": "networking.k8s.io", "discovery": "discovery.k8s.io", "events": "events.k8s.io",
    "coordination": "coordination.k8s.io", "rbac_authorization": "rbac.authorization.k8s.io",
    "scheduling": "scheduling.k8s.io", "storage": "storage.k8s.io", "node": "node.k8s.io",
    "admissionregistration": "admissionregistration.k8s.io", "certificates": "certificates.k8s.io",
    "flowcontrol_apiserver": "flowcontrol.apiserver.k8s.io", "apiregistration": "apiregistration.k8s.io",
    "apiextensions": "apiextensions.k8s.io", "authorization": "authorization.k8s.io",
    "authentication": "authentication.k8s.io",
}
# Go packages of the groups whose definitions are not under io.k8s.api.<package>.
PACKAGES = {
    "apiextensions.k8s.io": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions",
    "apiregistration.k8s.io": "io.k8s.kube-aggregator.pkg.apis.apiregistration",
}
# Kinds the core API accepts as subresource bodies, which belong to other groups.
SUBRESOURCE_GROUPS = {"TokenRequest": "authentication.k8s.io", "Eviction": "policy"}
META = {
    "ObjectMeta", "ListMeta", "LabelSelector", "LabelSelectorRequirement", "ManagedFieldsEntry", "OwnerReference",
    "Condition", "Status", "StatusDetails", "StatusCause", "DeleteOptions", "Preconditions",
}
VERSION_PREFIX = re.compile(r"^(?:[A-Z][a-z]+)*V\d+(?:alpha\d+|beta\d+)?")


def group_package(group):
    if group in PACKAGES:
        return PACKAGES[group]
    short = group.split(".")[0] if group else "core"
    return "io.k8s.api." + {"rbac": "rbac", "flowcontrol": "flowcontrol"}.get(short, short)


def kinds_by_api():
    """(group, version, kind) → Python model class name, from each API class's create methods."""
    found = {}
    for info in pkgutil.iter_modules(apis.__path__):
        name = info.name
        match = re.match(r"^(.*)_(v\d+)_api$", name)  # stable versions: the ones the embedded cluster serves
        if not match or match.group(1) not in GROUPS:
            continue
        source = inspect.getsource(importlib.import_module(apis.__name__ + "." + name))
        for start in re.finditer(r"def create_(?:namespaced_)?\w+\(\n", source):
            body = re.search(r"\n\s+body: (\w+),", source[start.end() : start.end() + 3000]).group(1)
            kind = VERSION_PREFIX.sub("", body)
            group = SUBRESOURCE_GROUPS.get(kind, GROUPS[match.group(1)])
            found[(group, match.group(2), kind)] = body
    return found


class Writer:
    def __init__(self):
        self.definitions = {}
        self.names = {}

    def name_for(self, class_name, package, version):
        if class_name in self.names:
            return self.names[class_name]
        short = VERSION_PREFIX.sub("", class_name)
        if short in META:
            name = "io.k8s.apimachinery.pkg.apis.meta.v1." + short
        else:
            name = "%s.%s.%s" % (package, version, short)
        self.names[class_name] = name
        self.add(class_name, name, package, version)
        return name

    def type_of(self, model, field, text, package, version):
        if text in ("str", "date", "bytes", "bytearray"):
            return "string"
        if text == "datetime":
            return "date-time"
        if text == "int":
            return "integer"
        if text == "float":
            return "number"
        if text == "bool":
            return "boolean"
        if text == "object":
            annotation = model.model_fields[field].annotation
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            flat = {typing.get_args(a)[0] if typing.get_args(a) else a for a in args}
            return "int-or-string" if flat == {int, str} else "object"
        if text.startswith("List["):
            return "[]" + self.type_of(model, field, text[5:-1], package, version)
        if text.startswith("Dict[str, "):
            return "{}" + self.type_of(model, field, text[10:-1], package, version)
        return self.name_for(text, package, version)

    def add(self, class_name, name, package, version):
        model = getattr(models, class_name)
        fields = {}
        self.definitions[name] = {"fields": fields}
        by_alias = {f.serialization_alias or n: n for n, f in model.model_fields.items()}
        for field, text in model.openapi_types.items():
            json_name = model.attribute_map[field]
            field = by_alias.get(json_name, field)
            fields[json_name] = self.type_of(model, field, text, package, version)


def main():
    writer = Writer()
    kinds = {}
    # Core first, so the types its kinds share (Container, PodSpec, ...) are named in core as Kubernetes does.
    for (group, version, kind), class_name in sorted(kinds_by_api().items(), key=lambda e: (e[0][0] != "", e[0])):
        name = writer.name_for(class_name, group_package(group), version)
        kinds["%s/%s/%s" % (group, version, kind)] = name
    document = {"kinds": kinds, "definitions": writer.definitions}
    target = os.path.join(os.path.dirname(__file__), "..", "Sources", "EmbeddedCluster", "Resources")
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, "builtin-schemas.json"), "w") as out:
        json.dump(document, out, sort_keys=True, separators=(",", ":"))
        out.write("\n")
    print("%d kinds, %d definitions" % (len(kinds), len(writer.definitions)), file=sys.stderr)


if __name__ == "__main__":
    main()
