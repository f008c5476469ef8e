#!/usr/bin/env python3
"""Validate streamd state documents against docs/state.schema.json.

usage: validate-state.py SCHEMA FILE...   (exit 0 valid, 1 invalid with the errors, 2 usage)
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("validate-state: the Python package 'jsonschema' is missing (make test installs it)")

if len(sys.argv) < 3:
    sys.exit(__doc__)
with open(sys.argv[1]) as f:
    schema = json.load(f)
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
bad = 0
for path in sys.argv[2:]:
    with open(path) as f:
        document = json.load(f)
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.path)):
        bad += 1
        where = "/".join(str(p) for p in error.path) or "(root)"
        print(f"{path}: {where}: {error.message}")
sys.exit(1 if bad else 0)
