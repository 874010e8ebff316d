"""Builds the corpus of broken specs and changed pages from the real specs and their pages.

Each case is a folder holding a copy of one spec (css.yaml or dws.yaml) and its pages under docs/,
with one defect. Run from anywhere: python3 xtask/tests/corpus/make_corpus.py
The expected diagnostics (expected.txt) are written by the tests with UPDATE_GOLDEN=1.
"""

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent


def replace_once(text, old, new):
    assert text.count(old) == 1, f"expected exactly one {old!r}"
    return text.replace(old, new)


def pages_of(spec):
    return sorted(set(re.findall(r"- (docs/[^\s]+)", spec)))


CSS_PATH = "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot:\n"
REQUEST_EXAMPLE = 'value: {"name": "snapshot_001", "indices": "myindex1,myindex2", "description": ""}'
CSS_PAGE = "docs/css-create-index-snapshot.zh.md"
DWS_EN_PAGE = "docs/dws-create-snapshot.en.txt"


def css_operation_block(spec):
    """The text of the CSS spec's CreateSnapshot path item (path line to `components:`)."""
    start = spec.index("  " + CSS_PATH)
    end = spec.index("components:\n")
    return spec[start:end]


def with_second_operation(spec, edit_second):
    """The CSS spec with a second operation: a copy of CreateSnapshot under `/v2` with its own
    operationId, edited by `edit_second`; the first operation is left as it is."""
    block = css_operation_block(spec)
    second = block.replace(CSS_PATH, CSS_PATH.replace(":\n", "/v2:\n"), 1)
    second = replace_once(second, "operationId: CreateSnapshot", "operationId: CreateSnapshotV2")
    return replace_once(spec, "components:\n", edit_second(second) + "components:\n")


# case: (api, spec edit or None, {page: page edit})
CASES = {
    "example-wrong-type": ("css", lambda s: replace_once(s, REQUEST_EXAMPLE, 'value: {"name": 1, "indices": "myindex1,myindex2", "description": ""}'), {}),
    "example-missing-required-field": ("css", lambda s: replace_once(s, REQUEST_EXAMPLE, 'value: {"indices": "myindex1,myindex2", "description": ""}'), {}),
    "example-undeclared-property": ("css", lambda s: replace_once(s, REQUEST_EXAMPLE, 'value: {"name": "snapshot_001", "indices": "myindex1,myindex2", "description": "", "compress": true}'), {}),
    "example-violates-pattern": ("css", lambda s: replace_once(s, REQUEST_EXAMPLE, 'value: {"name": "Snapshot_001", "indices": "myindex1,myindex2", "description": ""}'), {}),
    "broken-ref": ("css", lambda s: replace_once(s, '$ref: "#/components/schemas/BackupDatastore"', '$ref: "#/components/schemas/Datastore"'), {}),
    "duplicate-operation-id": ("css", lambda s: replace_once(s, "components:\n", "  /v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/again:\n    post:\n      operationId: CreateSnapshot\n      x-doc-pages: [docs/css-create-index-snapshot.zh.md]\n      parameters:\n        - {name: project_id, in: path, required: true, schema: {type: string}}\n        - {name: cluster_id, in: path, required: true, schema: {type: string}}\n      responses:\n        \"201\": {description: Created}\ncomponents:\n"), {}),
    "undeclared-path-parameter": ("css", lambda s: replace_once(s, "        - name: cluster_id\n          in: path", "        - name: clusterId\n          in: path"), {}),
    "not-generatable": ("css", lambda s: replace_once(s, '        "400":\n          description: Bad request', '        "200":\n          description: OK, but another body\n          content:\n            application/json:\n              schema:\n                $ref: "#/components/schemas/BackupDatastore"\n        "400":\n          description: Bad request'), {}),
    "two-request-media-types": ("css", lambda s: replace_once(s, '              $ref: "#/components/schemas/CreateSnapshotReq"\n', '              $ref: "#/components/schemas/CreateSnapshotReq"\n          application/x-www-form-urlencoded:\n            schema:\n              $ref: "#/components/schemas/CreateSnapshotReq"\n'), {}),
    "malformed-yaml": ("css", lambda s: replace_once(s, "      summary: Create a snapshot manually\n", "      summary: [Create a snapshot manually\n"), {}),
    "duplicate-key": ("css", lambda s: replace_once(s, "      summary: Create a snapshot manually\n", "      summary: Create a snapshot manually\n      summary: Create a snapshot\n"), {}),
    "not-openapi": ("css", lambda s: replace_once(s, "      tags: [snapshots]\n      operationId: CreateSnapshot\n", "      tags: snapshots\n      operationId: CreateSnapshot\n"), {}),
    "spec-status-undocumented": ("css", lambda s: replace_once(s, '        "406":\n', '        "404":\n          description: Not Found.\n          content:\n            application/json:\n              schema:\n                $ref: "#/components/schemas/ErrorResponse"\n        "406":\n'), {}),
    "page-new-status": ("dws", None, {DWS_EN_PAGE: lambda p: replace_once(p, "404 Not Found\nNo resources found.\n", "404 Not Found\nNo resources found.\n409 Conflict\nA snapshot with this name already exists.\n")}),
    "page-new-parameter": ("css", None, {CSS_PAGE: lambda p: replace_once(p, '<tr id="row1795115595819">', '<tr id="rowNEW"><td>compress</td><td>否</td><td>Boolean</td><td>是否压缩快照。</td></tr>\n<tr id="row1795115595819">')}),
    "page-example-changed": ("css", None, {CSS_PAGE: lambda p: replace_once(p, '"name":"snapshot_001",', '"name":"snapshot_002",')}),
    "stale-deviation": ("css", None, {CSS_PAGE: lambda p: replace_once(p, '<p id="p131231244154513"><a name="p131231244154513"></a><a name="p131231244154513"></a>String</p>', '<p id="p131231244154513">Long</p>')}),
    "second-operation-broken-ref": ("css", lambda s: with_second_operation(s, lambda op: replace_once(op, '$ref: "#/components/schemas/CreateSnapshotReq"', '$ref: "#/components/schemas/CreateSnapshotRequest"')), {}),
    "second-operation-lacks-a-status": ("css", lambda s: with_second_operation(s, lambda op: op[: op.index('        "406":\n')] + op[op.index('        "500":\n'):]), {}),
}

for case, (api, edit_spec, edit_pages) in CASES.items():
    folder = HERE / case
    if folder.exists():
        shutil.rmtree(folder / "docs", ignore_errors=True)
        for old in folder.glob("*.yaml"):
            old.unlink()
    spec = (ROOT / "spec" / f"{api}.yaml").read_text()
    spec = edit_spec(spec) if edit_spec else spec
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    (folder / f"{api}.yaml").write_text(spec)
    for page in pages_of(spec):
        text = (ROOT / "spec" / page).read_text()
        (folder / page).write_text(edit_pages[page](text) if page in edit_pages else text)
    print(case)
