#!/usr/bin/env python3
"""Validate Haul documents against the JSON Schemas in docs/.

Usage: Scripts/check-schemas.py [PLAN.json ...]

Every problem in Instances/examples/*.json is checked against docs/problem.schema.json;
each PLAN.json given (e.g. the output of `haul solve`) is checked against docs/plan.schema.json.
Exits 1 when any document is invalid (each error is listed with its JSON path), 2 when a schema
itself is missing or malformed. Needs only the standard library and the `jsonschema` package.
"""

import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("check-schemas: the Python package 'jsonschema' is required (pip install jsonschema)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROBLEM_SCHEMA = os.path.join(ROOT, "docs", "problem.schema.json")
PLAN_SCHEMA = os.path.join(ROOT, "docs", "plan.schema.json")
EXAMPLES = os.path.join(ROOT, "Instances", "examples")


def load_validator(path):
    try:
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print(f"check-schemas: bad schema {os.path.relpath(path, ROOT)}: {e}", file=sys.stderr)
        sys.exit(2)
    return jsonschema.Draft202012Validator(schema)


def json_path(error):
    path = ""
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(document)"


def check(validator, path):
    """Returns the list of error lines for one document (empty when it is valid)."""
    try:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
    except (OSError, ValueError) as e:
        return [f"cannot read as JSON: {e}"]
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{json_path(e)}: {e.message}" for e in errors]


def main(argv):
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__.strip())
        return 0
    jobs = []
    problem_validator = load_validator(PROBLEM_SCHEMA)
    examples = sorted(glob.glob(os.path.join(EXAMPLES, "*.json")))
    if not examples:
        print(f"check-schemas: no examples in {os.path.relpath(EXAMPLES, ROOT)}", file=sys.stderr)
        return 1
    jobs += [(problem_validator, p, "problem") for p in examples]
    if argv:
        plan_validator = load_validator(PLAN_SCHEMA)
        jobs += [(plan_validator, p, "plan") for p in argv]

    passed = failed = 0
    for validator, path, what in jobs:
        errors = check(validator, path)
        absolute = os.path.abspath(path)
        shown = os.path.relpath(absolute, ROOT) if absolute.startswith(ROOT + os.sep) else path
        if errors:
            failed += 1
            print(f"FAIL {what} {shown}")
            for line in errors:
                print(f"    {line}")
        else:
            passed += 1
            print(f"ok   {what} {shown}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
