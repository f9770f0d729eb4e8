#!/usr/bin/env python3
"""Rewrites hub-server/src/main/resources/openapi.json into the shapes OpenAPI generators handle
(issue 27; OpenApiForGeneratorsTest checks them): for paths merged in from other branches.
Idempotent: on a document already in shape it changes nothing.

- `$ref` with sibling keywords -> `allOf: [{$ref}, {siblings}]` (a lone description stays beside
  allOf); but a description-only reference to an object schema stays a bare `$ref` (an allOf of
  one object schema makes the Java generators turn that schema into a HashMap subclass);
- `oneOf: [X, {type: null}]` -> X with `type: [X.type, "null"]` (a `$ref` to Time is inlined).

Usage: python3 ops/ci/openapi-for-generators.py [path]
"""
import collections
import json
import sys

OD = collections.OrderedDict
SCHEMA_KEYS = ('schema', 'schemas', 'items', 'properties', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then',
               'else', 'additionalProperties', 'unevaluatedProperties')


def main(path):
    doc = json.load(open(path), object_pairs_hook=OD)
    schemas = doc['components']['schemas']
    time = schemas.get('Time', OD())

    def fix(node, in_schema):
        if isinstance(node, list):
            return [fix(x, in_schema) for x in node]
        if not isinstance(node, dict):
            return node
        out = OD()
        for k, v in node.items():
            if k in ('properties', 'schemas') and isinstance(v, dict):
                out[k] = OD((pk, fix(pv, True)) for pk, pv in v.items())
            else:
                out[k] = fix(v, in_schema or k in SCHEMA_KEYS)
        alts = out.get('oneOf')
        if isinstance(alts, list) and len(alts) == 2 and {'type': 'null'} in [dict(a) for a in alts]:
            other = [a for a in alts if dict(a) != {'type': 'null'}][0]
            if other.get('$ref') == '#/components/schemas/Time':
                other = OD((k, v) for k, v in time.items() if k != 'examples')
            other = OD(other)
            t = other.get('type')
            other['type'] = [t, 'null'] if isinstance(t, str) else t
            del out['oneOf']
            merged = OD((k, v) for k, v in other.items() if not (k == 'description' and 'description' in out))
            merged.update(out)
            out = merged
        ref = out.get('$ref')
        if ref and len(out) > 1 and in_schema and ref.startswith('#/components/schemas/'):
            name = ref.split('/')[-1]
            rest = OD((k, v) for k, v in out.items() if k != '$ref')
            if set(rest) == {'description'} and schemas.get(name, {}).get('type') == 'object':
                return OD([('$ref', ref)])
            new = OD()
            if 'description' in rest:
                new['description'] = rest.pop('description')
            new['allOf'] = [OD([('$ref', ref)])] + ([rest] if rest else [])
            return new
        return out

    doc = fix(doc, False)
    with open(path, 'w') as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write('\n')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'hub-server/src/main/resources/openapi.json')
