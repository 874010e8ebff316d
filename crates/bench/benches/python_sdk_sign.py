"""The peer of benches/sign.rs: the official Python SDKs signing the same documented requests.

Run: python3 -m venv /tmp/v && /tmp/v/bin/pip install huaweicloudsdkcore alibabacloud-tea-openapi \
     && /tmp/v/bin/python crates/bench/benches/python_sdk_sign.py
Prints microseconds per signature (best of 5 repeats of 20,000 calls).
"""

import timeit
from importlib.metadata import version

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from alibabacloud_tea_openapi.utils import Utils
from darabonba.request import DaraRequest

CSS_PATH = "/v1.0/6204a5bd270343b5885144cf9c8c158d/clusters/ea244205-d641-45d9-9dcb-ab2236bcd07e/index_snapshot"
CSS_BODY = b'{"name":"snapshot_001","indices":"myindex1,myindex2","description":""}'
credentials = BasicCredentials("HPUAEXAMPLEAK0000001", "ExampleSecretKey", "6204a5bd270343b5885144cf9c8c158d")


def huawei():
    request = SdkRequest(method="POST", schema="https", host="css.cn-north-4.myhuaweicloud.com", resource_path=CSS_PATH,
                         query_params=[], header_params={"Content-Type": "application/json", "X-Sdk-Date": "20261124T083015Z"},
                         body=CSS_BODY)
    credentials.sign_request(request)


ES_BODY = b'{"repoPath":"es-cn-4591jumei000u****"}'


def alibaba():
    request = DaraRequest()
    request.method = "POST"
    request.pathname = "/openapi/instances/es-cn-n6w1o1x0w001c%2A%2A%2A%2A/snapshot-repos"
    request.headers = {
        "host": "elasticsearch.cn-hangzhou.aliyuncs.com", "x-acs-version": "2017-06-13", "x-acs-action": "AddSnapshotRepo",
        "x-acs-date": "2026-11-24T08:30:15Z", "x-acs-signature-nonce": "3f2a9c1e7b6d4a0f8e5c2b1a9d8e7f60",
        "accept": "application/json", "content-type": "application/json",
    }
    payload = Utils.hash(ES_BODY, "ACS3-HMAC-SHA256").hex()
    request.headers["x-acs-content-sha256"] = payload
    Utils.get_authorization(request, "ACS3-HMAC-SHA256", payload, "LTAI5tExampleKeyId0001", "ExampleAccessKeySecret")


for name, package, fn in (("huawei SDK-HMAC-SHA256", "huaweicloudsdkcore", huawei), ("alibaba ACS3-HMAC-SHA256", "alibabacloud-tea-openapi", alibaba)):
    best = min(timeit.repeat(fn, number=20_000, repeat=5)) / 20_000
    print(f"{name} ({package} {version(package)}): {best * 1e6:.1f} us per signature")
