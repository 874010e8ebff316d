"""Builds the corpus of broken specs and changed pages from the real spec/css.yaml and its page.

Each case is a folder holding a copy of css.yaml and docs/css-create-index-snapshot.zh.md with one
defect. Run from the repository root: python3 xtask/tests/corpus/make_corpus.py
The expected diagnostics (expected.txt) are written by the tests with UPDATE_GOLDEN=1.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SPEC = (ROOT / "spec/css.yaml").read_text()
PAGE_NAME = "css-create-index-snapshot.zh.md"
PAGE = (ROOT / "spec/docs" / PAGE_NAME).read_text()
HERE = Path(__file__).resolve().parent


def replace_once(text, old, new):
    assert text.count(old) == 1, f"expected exactly one {old!r}"
    return text.replace(old, new)


REQUEST_EXAMPLE = 'value: {"name": "snapshot_001", "indices": "myindex1,myindex2", "description": ""}'

CASES = {
    "example-wrong-type": (lambda s: replace_once(s, REQUEST_EXAMPLE, 'value: {"name": 1, "indices": "myindex1,myindex2", "description": ""}'), None),
    "example-missing-required-field": (lambda s: replace_once(s, REQUEST_EXAMPLE, 'value: {"indices": "myindex1,myindex2", "description": ""}'), None),
    "example-undeclared-property": (lambda s: replace_once(s, REQUEST_EXAMPLE, 'value: {"name": "snapshot_001", "indices": "myindex1,myindex2", "description": "", "compress": true}'), None),
    "example-violates-pattern": (lambda s: replace_once(s, REQUEST_EXAMPLE, 'value: {"name": "Snapshot_001", "indices": "myindex1,myindex2", "description": ""}'), None),
    "broken-ref": (lambda s: replace_once(s, '$ref: "#/components/schemas/BackupDatastore"', '$ref: "#/components/schemas/Datastore"'), None),
    "duplicate-operation-id": (lambda s: replace_once(s, "components:\n", "  /v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/again:\n    post:\n      operationId: CreateSnapshot\n      parameters:\n        - {name: project_id, in: path, required: true, schema: {type: string}}\n        - {name: cluster_id, in: path, required: true, schema: {type: string}}\n      responses:\n        \"201\": {description: Created}\ncomponents:\n"), None),
    "undeclared-path-parameter": (lambda s: replace_once(s, "        - name: cluster_id\n          in: path", "        - name: clusterId\n          in: path"), None),
    "not-generatable": (lambda s: replace_once(s, '        "400":\n          description: Bad request', '        "200":\n          description: OK, but another body\n          content:\n            application/json:\n              schema:\n                $ref: "#/components/schemas/BackupDatastore"\n        "400":\n          description: Bad request'), None),
    "malformed-yaml": (lambda s: replace_once(s, "      summary: Create a snapshot manually\n", "      summary: [Create a snapshot manually\n"), None),
    "spec-drifts-from-emulator": (lambda s: replace_once(s, '        "406":\n', '        "404":\n          description: Not Found.\n          content:\n            application/json:\n              schema:\n                $ref: "#/components/schemas/ErrorResponse"\n        "406":\n'), None),
    "page-new-parameter": (None, lambda p: replace_once(p, '<tr id="row1795115595819">', '<tr id="rowNEW"><td>compress</td><td>否</td><td>Boolean</td><td>是否压缩快照。</td></tr>\n<tr id="row1795115595819">')),
    "page-example-changed": (None, lambda p: replace_once(p, '"name":"snapshot_001",', '"name":"snapshot_002",')),
    "stale-deviation": (None, lambda p: replace_once(p, '<p id="p131231244154513"><a name="p131231244154513"></a><a name="p131231244154513"></a>String</p>', '<p id="p131231244154513">Long</p>')),
}

for case, (edit_spec, edit_page) in CASES.items():
    folder = HERE / case
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    (folder / "css.yaml").write_text(edit_spec(SPEC) if edit_spec else SPEC)
    (folder / "docs" / PAGE_NAME).write_text(edit_page(PAGE) if edit_page else PAGE)
    print(case)
