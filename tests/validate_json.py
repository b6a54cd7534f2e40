#!/usr/bin/python3
"""Validate lockedges JSON documents against reports/schema.json.

    validate_json.py SCHEMA [--def NAME] DOCUMENT...

The validation itself is the `jsonschema` library's (Debian python3-jsonschema);
this script only loads the files, picks the schema's root or one of its $defs
(--def scenario_report, --def profile_session, ...) and prints each error with
the path to the offending field. Exit status: 0 every document is valid,
1 some document is not, 2 a usage error or a file that cannot be read.
"""
import argparse
import json
import sys

import jsonschema


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schema")
    parser.add_argument("documents", nargs="+")
    parser.add_argument("--def", dest="definition", help="validate against $defs/NAME instead of the root")
    args = parser.parse_args()
    try:
        with open(args.schema) as f:
            schema = json.load(f)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        if args.definition:
            if args.definition not in schema.get("$defs", {}):
                parser.error(f"the schema has no $defs/{args.definition}")
            # The same $defs, with the chosen one as the root.
            schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/" + args.definition}
        validator = cls(schema)
        bad = 0
        for path in args.documents:
            with open(path) as f:
                document = json.load(f)
            errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
            for error in errors:
                where = "/".join(str(p) for p in error.absolute_path) or "(root)"
                message = error.message if len(error.message) <= 300 else error.message[:297] + "..."
                print(f"{path}: {where}: {message}")
            bad += bool(errors)
            if not errors:
                print(f"{path}: valid")
        return 1 if bad else 0
    except (OSError, json.JSONDecodeError, jsonschema.exceptions.SchemaError) as e:
        print(f"validate_json.py: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
