"""Writes an API Explorer-shaped definition of one operation from the official Huawei Cloud Python
SDK, for operations whose API Explorer definition is not available (DWS RestoreCluster), so that
`cargo xtask facts --format huawei-api-explorer` turns it into a facts file like the others.

What the SDK states, and so what the definition holds:
- the method and path template: the client's `_<operation>_http_info`;
- the path and query parameters the client fills, and the request body's model;
- field names on the wire (`attribute_map`) and their types (`openapi_types`), recursively;
- which fields are required: the generated constructors assign required fields unconditionally
  and guard optional ones with `if <name> is not None`;
- the success answer's model (the SDK does not say its status code, nor any error status: the
  definition lists no responses, and the facts file no statuses).

Usage (pin the SDK version you read; the facts file records it in its source URL):
  python3 -m venv /tmp/sdk && /tmp/sdk/bin/pip install huaweicloudsdkdws==3.1.219
  /tmp/sdk/bin/python spec/facts/huawei_sdk_definition.py huaweicloudsdkdws.v2 DwsClient \
      RestoreCluster > /tmp/RestoreCluster.json
"""

import importlib
import inspect
import json
import re
import sys

PRIMITIVES = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "object": {"type": "object"},
    "datetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
}


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def required_fields(model):
    """Attributes the constructor sets without an `is not None` guard."""
    source = inspect.getsource(model.__init__)
    guarded = set(re.findall(r"if (\w+) is not None:", source))
    assigned = set(re.findall(r"^\s*self\.(\w+) = \1\s*$", source, re.M))
    return sorted(assigned - guarded)


def schema_of(type_name, package, definitions):
    if type_name in PRIMITIVES:
        return dict(PRIMITIVES[type_name])
    inner = re.fullmatch(r"list\[(.+)\]", type_name)
    if inner:
        return {"type": "array", "items": schema_of(inner.group(1), package, definitions)}
    inner = re.fullmatch(r"dict\(str, (.+)\)", type_name)
    if inner:
        return {
            "type": "object",
            "additionalProperties": schema_of(inner.group(1), package, definitions),
        }
    model = getattr(package, type_name)
    if type_name not in definitions:
        definitions[type_name] = {}  # placeholder against recursion
        required = required_fields(model)
        properties = {}
        for attribute, attribute_type in model.openapi_types.items():
            wire = model.attribute_map[attribute]
            properties[wire] = schema_of(attribute_type, package, definitions)
        definition = {"type": "object", "properties": properties}
        wire_required = [model.attribute_map[a] for a in required if a in model.attribute_map]
        if wire_required:
            definition["required"] = wire_required
        definitions[type_name] = definition
    return {"$ref": f"#/definitions/{type_name}"}


class Recorder:
    """Stands in for a request: remembers which attributes the client reads."""


def main():
    module_name, client_name, operation = sys.argv[1:4]
    package = importlib.import_module(module_name)
    client = getattr(package, client_name)
    request_model = getattr(package, f"{operation}Request")
    http_info_of = getattr(client, f"_{snake(operation)}_http_info")
    source = inspect.getsource(http_info_of)
    method = re.search(r'"method": "(\w+)"', source).group(1).lower()
    path = re.search(r'"resource_path": "([^"]+)"', source).group(1)
    response_model = re.search(r'"response_type": "(\w+)"', source).group(1)

    definitions = {}
    required = set(required_fields(request_model))
    parameters = []
    for placeholder in re.findall(r"{(\w+)}", path):
        # project_id is filled by the SDK from the credentials; it is still a path parameter.
        parameters.append({"in": "path", "name": placeholder, "required": True, "type": "string"})
    for attribute, attribute_type in request_model.openapi_types.items():
        wire = request_model.attribute_map[attribute]
        if f"path_params['{wire}']" in source or wire in re.findall(r"{(\w+)}", path):
            continue
        if f"query_params.append(('{wire}'" in source:
            parameter = {"in": "query", "name": wire, "required": attribute in required}
            parameter.update(schema_of(attribute_type, package, definitions))
            parameters.append(parameter)
        elif attribute == "body":
            parameters.append(
                {
                    "in": "body",
                    "name": attribute_type,
                    "required": attribute in required,
                    "schema": schema_of(attribute_type, package, definitions),
                }
            )
    response_properties = {
        wire: schema_of(getattr(package, response_model).openapi_types[attribute], package, definitions)
        for attribute, wire in getattr(package, response_model).attribute_map.items()
    }
    definitions[response_model] = {"type": "object", "properties": response_properties}
    definition = {
        "name": operation,
        "definitions": definitions,
        "paths": {
            path: {
                method: {
                    "operationId": operation,
                    "parameters": parameters,
                    "responses": {
                        "default": {"schema": {"$ref": f"#/definitions/{response_model}"}}
                    },
                }
            }
        },
    }
    json.dump(definition, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
