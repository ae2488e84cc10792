#!/usr/bin/env python3
"""Validates strata reports against the official schemas in third_party/schemas, offline.

usage: validate_report.py SCHEMA_DIR FORMAT FILE...   (FORMAT: sarif, cyclonedx, spdx, junit)
JSON formats are checked with python3-jsonschema ($refs resolved to the files in SCHEMA_DIR, never
fetched); junit is parsed with xml.etree and its structure checked (the XSD check is xmllint's, in
the golden test). Prints one line per error; exits 1 when any file is invalid.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

import jsonschema

SCHEMAS = {
    "sarif": "sarif-schema-2.1.0.json",
    "cyclonedx": "bom-1.5.schema.json",
    "spdx": "spdx-schema.json",
}


def load_store(schema_dir):
    store = {}
    for name in os.listdir(schema_dir):
        if name.endswith(".json"):
            with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
                doc = json.load(f)
            for key in ("$id", "id"):
                if key in doc:
                    store[doc[key].rstrip("#")] = doc
            store[name] = doc
    return store


def validator_for(schema_dir, fmt):
    store = load_store(schema_dir)
    schema = store[SCHEMAS[fmt]]
    cls = jsonschema.validators.validator_for(schema)
    try:
        import referencing  # jsonschema >= 4.18
        from referencing.jsonschema import specification_with

        default = specification_with(schema.get("$schema", ""))
        resources = []
        for uri, doc in store.items():
            resources.append((uri, referencing.Resource.from_contents(doc, default_specification=default)))
        registry = referencing.Registry().with_resources(resources)
        return cls(schema, registry=registry)
    except ImportError:
        base = schema.get("$id", schema.get("id", ""))
        resolver = jsonschema.RefResolver(base, schema, store=store)
        return cls(schema, resolver=resolver)


def check_junit(path):
    root = ET.parse(path).getroot()
    errors = []
    if root.tag != "testsuites":
        errors.append(f"root is <{root.tag}>, not <testsuites>")
    total = 0
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        failures = [c for c in cases if c.find("failure") is not None]
        if suite.get("tests") != str(len(cases)):
            errors.append(f"suite {suite.get('name')}: tests={suite.get('tests')}, {len(cases)} cases")
        if suite.get("failures") != str(len(failures)):
            errors.append(f"suite {suite.get('name')}: failures={suite.get('failures')}, {len(failures)} failed")
        for c in cases:
            if not c.get("name"):
                errors.append(f"suite {suite.get('name')}: a testcase without a name")
        total += len(cases)
    if root.get("tests") != str(total):
        errors.append(f"testsuites tests={root.get('tests')}, {total} cases")
    return errors


def main():
    schema_dir, fmt, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    bad = 0
    for path in files:
        if fmt == "junit":
            errors = check_junit(path)
        else:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            v = validator_for(schema_dir, fmt)
            errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(doc)]
        for e in errors[:20]:
            print(f"{path}: {e}")
        bad += 1 if errors else 0
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
