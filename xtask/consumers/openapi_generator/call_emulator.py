"""Calls the snapspec emulator through the Python clients that openapi-generator generated from the
published specs, with every documented request example, and checks that each answer parses into
the generated models.

For each API the driver reads the published spec (JSON), and for every operation collects the
documented request examples: the `example`/`examples` of its parameters and of its request body's
media type. Example i of an operation takes the i-th example of each parameter and of the body (the
last one when a parameter has fewer); identical requests are sent once. Each request goes through
the generated API class's `<operation>_with_http_info` method, with the body built by the generated
model's `from_dict`, against the emulator (Configuration(host=...)); the answer must be a 2xx that
parses into the generated model declared for its status, and whose JSON the model reproduces
without loss (to_dict() equals the JSON received, null members aside, so no field went unread).

A snapshot id in a path is minted by the service: the documented value names a snapshot of the
vendor's example account, which the emulator cannot have. Such a request is sent as documented
and must be refused with a documented status whose body parses into the declared error model; it
is then sent again with the id of the snapshot this run created, and must succeed.

The operations run in the order of the official SDK lifecycle checks
(crates/emulator/tests/official_sdks/check_*_lifecycle.py), so that each finds the state it
needs; an operation of the spec missing from that order fails the run.

Usage: python call_emulator.py PUBLISHED_DIR http://127.0.0.1:PORT [SNAPSHOT_DURATION_SECONDS]
Exits non-zero, naming API, operation and reason, on any failure; prints one summary line per API.
"""

import importlib
import inspect
import json
import re
import sys
import time
from pathlib import Path

PUBLISHED = Path(sys.argv[1])
BASE = sys.argv[2].rstrip("/")
DURATION = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0


class Failure(Exception):
    pass


def snake(name):
    """openapi-generator's Python name for an operationId or parameter name."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return name.replace("-", "_").lower()


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def example_values(spec, holder):
    """The documented example values of a parameter or media type, in document order."""
    values = []
    if "example" in holder:
        values.append(holder["example"])
    for example in (holder.get("examples") or {}).values():
        example = resolve(spec, example)
        if "value" in example:
            values.append(example["value"])
    return values


def jsonable(value):
    return json.loads(json.dumps(value, default=str))


def without_nulls(value):
    """A JSON value with its null members removed: for an optional member, null and absent agree."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


class Api:
    """One published spec, its generated client and the state the run builds up."""

    def __init__(self, api, package, minted, order):
        self.api = api
        self.version = (PUBLISHED / api / "latest").read_text().strip()
        self.spec = json.loads((PUBLISHED / api / self.version / f"{api}.json").read_text())
        self.client_module = importlib.import_module(package)
        self.models = importlib.import_module(f"{package}.models")
        self.exceptions = importlib.import_module(f"{package}.exceptions")
        configuration = self.client_module.Configuration(host=BASE)
        self.client = self.client_module.ApiClient(configuration)
        self.minted = minted
        self.order = order
        self.operations = {}
        for path, item in self.spec["paths"].items():
            for method, operation in item.items():
                if method in ("get", "put", "post", "delete", "patch", "head", "options"):
                    self.operations[operation["operationId"]] = (method, path, operation)
        self.documented = 0
        self.called = 0
        self.parsed = 0
        self.state = {}

    def fail(self, operation_id, reason):
        raise Failure(f"{self.api} {operation_id}: {reason}")

    def method(self, operation_id):
        name = snake(operation_id)
        for api_class in vars(self.client_module).values():
            if inspect.isclass(api_class) and api_class.__name__.endswith("Api") and hasattr(api_class, name):
                return getattr(api_class(self.client), f"{name}_with_http_info")
        self.fail(operation_id, f"the generated client has no method {name}")

    def requests(self, operation_id):
        """The distinct documented requests of an operation: (keyword arguments, body JSON or None)."""
        _, _, operation = self.operations[operation_id]
        parameters = [resolve(self.spec, p) for p in operation.get("parameters", [])]
        columns = {}
        for parameter in parameters:
            values = example_values(self.spec, parameter)
            if not values and parameter.get("required"):
                self.fail(operation_id, f"the required parameter {parameter['name']} has no documented example")
            if values:
                columns[parameter["name"]] = values
        body = resolve(self.spec, operation.get("requestBody"))
        bodies = []
        if body:
            media = body["content"].get("application/json")
            if media is None:
                self.fail(operation_id, f"no application/json request body (has {sorted(body['content'])})")
            bodies = example_values(self.spec, media)
            if not bodies and body.get("required"):
                self.fail(operation_id, "the required request body has no documented example")
        count = max([len(v) for v in columns.values()] + [len(bodies), 1])
        distinct = []
        for i in range(count):
            arguments = {name: values[min(i, len(values) - 1)] for name, values in columns.items()}
            request = (arguments, bodies[min(i, len(bodies) - 1)] if bodies else None)
            if request not in distinct:
                distinct.append(request)
        return distinct

    def call(self, operation_id, arguments, body):
        """Sends one request through the generated client: (status, parsed model, raw JSON)."""
        method = self.method(operation_id)
        signature = inspect.signature(method)
        keywords = {}
        for name, value in arguments.items():
            python_name = snake(name)
            if python_name not in signature.parameters:
                self.fail(operation_id, f"the generated method has no parameter {python_name} for {name}")
            keywords[python_name] = value
        if body is not None:
            body_names = [n for n in signature.parameters if not n.startswith("_") and n not in keywords
                          and n not in {snake(p["name"]) for p in self.parameter_specs(operation_id)}]
            if len(body_names) != 1:
                self.fail(operation_id, f"cannot tell the body parameter among {body_names}")
            model = signature.parameters[body_names[0]].annotation
            model = next((a for a in getattr(model, "__args__", ()) if inspect.isclass(a)), model)
            try:
                built = model.from_dict(body)
            except Exception as e:  # pydantic's ValidationError, or any other refusal of the example
                self.fail(operation_id, f"the documented body does not build {model.__name__}: {e}")
            if jsonable(built.to_dict()) != body:
                self.fail(operation_id, f"{model.__name__} does not carry the documented body unchanged: "
                                        f"{json.dumps(body)} became {json.dumps(jsonable(built.to_dict()))}")
            keywords[body_names[0]] = built
        self.called += 1
        try:
            answer = method(**keywords)
            status, data, raw = answer.status_code, answer.data, answer.raw_data
        except self.exceptions.ApiException as e:
            status, data, raw = e.status, e.data, (e.body or "").encode()
        except Exception as e:  # the client could not send the request or read the answer
            self.fail(operation_id, f"the generated client failed: {type(e).__name__}: {e}")
        self.check_answer(operation_id, status, data, raw)
        return status, data

    def parameter_specs(self, operation_id):
        return [resolve(self.spec, p) for p in self.operations[operation_id][2].get("parameters", [])]

    def check_answer(self, operation_id, status, data, raw):
        responses = self.operations[operation_id][2]["responses"]
        declared = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
        if declared is None:
            self.fail(operation_id, f"answered {status}, which the spec does not document: {raw[:300]!r}")
        media = (resolve(self.spec, declared).get("content") or {}).get("application/json")
        if media is None:
            if raw.strip():
                self.fail(operation_id, f"answered {status} with a body the spec does not declare: {raw[:300]!r}")
            self.parsed += 1
            return
        schema = media["schema"]
        if "$ref" in schema:
            model = getattr(self.models, schema["$ref"].rsplit("/", 1)[1], None)
            if model is None:
                self.fail(operation_id, f"the generated models lack {schema['$ref']}")
            if not isinstance(data, model):
                self.fail(operation_id, f"the {status} answer did not parse into {model.__name__}: "
                                        f"got {type(data).__name__} from {raw[:300]!r}")
        elif data is None:
            self.fail(operation_id, f"the {status} answer did not parse: {raw[:300]!r}")
        received = without_nulls(json.loads(raw))
        rebuilt = without_nulls(jsonable(data.to_dict() if hasattr(data, "to_dict") else data))
        if rebuilt != received:
            self.fail(operation_id, f"the {status} answer lost or changed fields in {type(data).__name__}: "
                                    f"received {json.dumps(received)}, model holds {json.dumps(rebuilt)}")
        self.parsed += 1

    def expect_success(self, operation_id, arguments, body):
        status, data = self.call(operation_id, arguments, body)
        if not 200 <= status < 300:
            self.fail(operation_id, f"the documented request was refused with {status}: {data!r}")
        return data

    def run_operation(self, operation_id):
        for arguments, body in self.requests(operation_id):
            self.documented += 1
            minted = {name: value for name, value in arguments.items() if name in self.minted}
            if minted:
                status, _ = self.call(operation_id, arguments, body)
                if 200 <= status < 300:
                    self.fail(operation_id, f"a snapshot the run never created ({minted}) was accepted")
                arguments = dict(arguments, **{name: self.state[name] for name in minted})
            yield arguments, body, self.expect_success(operation_id, arguments, body)

    def run(self, scenario):
        missing = sorted(set(self.operations) - set(self.order))
        if missing:
            raise Failure(f"{self.api}: operations with no place in the driver's order: {missing}")
        scenario(self)
        print(f"{self.api} {self.version}: {len(self.operations)} operations called with {self.documented} distinct "
              f"documented requests; {self.called} requests sent through the generated client (with the "
              f"snapshot ids and polls), {self.parsed} answers parsed into its models")


def wait_for(api, operation_id, arguments, done):
    """Calls a read operation until `done(answer)`, within the snapshot duration plus slack."""
    deadline = time.monotonic() + DURATION + 10
    while True:
        answer = api.expect_success(operation_id, arguments, None)
        if done(answer):
            return answer
        if time.monotonic() > deadline:
            api.fail(operation_id, f"the snapshot did not complete: {answer!r}")
        time.sleep(0.2)


def css(api):
    for operation_id in ("UpdateSnapshotSetting", "CreateAutoCreatePolicy", "ShowAutoCreatePolicy"):
        for _ in api.run_operation(operation_id):
            pass
    for arguments, _, created in api.run_operation("CreateSnapshot"):
        api.state["snapshot_id"] = created.backup.id
        api.state["cluster"] = {k: arguments[k] for k in ("project_id", "cluster_id")}
    for _ in api.run_operation("ListSnapshots"):
        pass
    wait_for(api, "ListSnapshots", api.state["cluster"],
             lambda a: any(b.id == api.state["snapshot_id"] and b.status == "COMPLETED" for b in a.backups or []))
    for operation_id in ("RestoreSnapshot", "DeleteSnapshot"):
        for _ in api.run_operation(operation_id):
            pass


def dws(api):
    for arguments, _, created in api.run_operation("CreateSnapshot"):
        api.state["snapshot_id"] = created.snapshot.id
        api.state["project"] = {"project_id": arguments["project_id"]}
    for _ in api.run_operation("ListSnapshots"):
        pass
    wait_for(api, "ListSnapshotDetails", dict(api.state["project"], snapshot_id=api.state["snapshot_id"]),
             lambda a: a.snapshot.status != "CREATING")
    for operation_id in ("ListSnapshotDetails", "RestoreCluster", "DeleteSnapshot"):
        for _ in api.run_operation(operation_id):
            pass


def alibaba_es(api):
    for operation_id in ("AddSnapshotRepo", "ListSnapshotReposByInstanceId"):
        for _ in api.run_operation(operation_id):
            pass
    # DeleteSnapshotRepo's example removes a repository that its instance must hold first: added
    # here through the generated client (not one of the documented requests).
    for arguments, _ in api.requests("DeleteSnapshotRepo"):
        api.expect_success("AddSnapshotRepo", {"InstanceId": arguments["InstanceId"]},
                           {"repoPath": arguments["repoPath"]})
    for operation_id in ("DeleteSnapshotRepo", "CreateSnapshot", "DescribeSnapshotSetting", "UpdateSnapshotSetting"):
        for _ in api.run_operation(operation_id):
            pass


APIS = [
    ("css", "snapspec_css_client", {"snapshot_id"}, css,
     ["UpdateSnapshotSetting", "CreateAutoCreatePolicy", "ShowAutoCreatePolicy", "CreateSnapshot",
      "ListSnapshots", "RestoreSnapshot", "DeleteSnapshot"]),
    ("dws", "snapspec_dws_client", {"snapshot_id"}, dws,
     ["CreateSnapshot", "ListSnapshots", "ListSnapshotDetails", "RestoreCluster", "DeleteSnapshot"]),
    ("alibaba-es", "snapspec_alibaba_es_client", set(), alibaba_es,
     ["AddSnapshotRepo", "ListSnapshotReposByInstanceId", "DeleteSnapshotRepo", "CreateSnapshot",
      "DescribeSnapshotSetting", "UpdateSnapshotSetting"]),
]

failed = False
for name, package, minted, scenario, order in APIS:
    try:
        Api(name, package, minted, order).run(scenario)
    except Failure as e:
        print(f"FAIL {e}")
        failed = True
    except Exception as e:  # an answer without what the scenario reads next (a created id, a status)
        print(f"FAIL {name}: {type(e).__name__}: {e}")
        failed = True
sys.exit(1 if failed else 0)
