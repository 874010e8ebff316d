"""Signs generated requests with the vendors' official Python SDKs, for the differential test
(crates/auth/tests/differential.rs, run by run.sh beside this file).

    python sign_with_sdk.py REQUESTS.jsonl RESULTS.jsonl

Each input line is one request (scheme, method, URL as sent, headers before signing, base64 body,
credentials, time in Unix seconds, nonce); each output line, in the same order, is what the SDK's
own signing code made of it: the request's headers after signing and, for Huawei, the path and
query it would send. Only the clock, the nonce and the User-Agent are fixed here, and the call
stops where the SDK would open a connection. Nothing is sent.

- huawei: huaweicloudsdkcore `BasicCredentials.sign_request` on an `SdkRequest` (path as sent,
  query decoded by `parse_qsl` as the SDK's own clients hold it, headers in a dict).
- acs3: alibabacloud-tea-openapi `Client.do_request` with `Params(style='ROA',
  req_body_type='byte')`: the SDK merges its default headers, hashes the body, adds the STS
  headers and calls `Utils.get_authorization` itself.
- roa: aliyun-python-sdk-core `roa_signature_composer.get_signature_headers`, with the headers
  `RoaRequest.get_signed_header` and the STS signer add first (`Content-MD5` by the SDK's
  `md5_sum`, `x-acs-security-token`), the resource decoded as the SDK composes it before
  encoding, and the query as its dict (a bare name has the value None).
"""

import base64
import json
import sys
import time
from datetime import datetime, timezone
from urllib.parse import parse_qsl, unquote, unquote_plus, urlsplit


class Stop(BaseException):
    """Raised where the SDK would open a connection (a BaseException, so no retry catches it)."""


NOW = {}


def huawei_signer():
    import huaweicloudsdkcore.signer.signer as signer_module
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest

    class FixedClock(datetime):
        @classmethod
        def utcnow(cls):
            return NOW["datetime"]

    # The Signer reads `datetime.utcnow()` through its module's `datetime` name.
    signer_module.datetime = FixedClock

    def sign(r, body):
        parts = urlsplit(r["url"])
        request = SdkRequest(method=r["method"], schema=parts.scheme, host=parts.netloc,
                             resource_path=parts.path,
                             query_params=parse_qsl(parts.query, keep_blank_values=True),
                             header_params=dict(r["headers"]), body=body)
        credentials = BasicCredentials(r["key_id"], r["secret"], r["project_id"])
        if r["security_token"] is not None:
            credentials = credentials.with_security_token(r["security_token"])
        signed = credentials.sign_request(request)
        # The signer re-encodes every header value as UTF-8 read as Latin-1 (for http.client);
        # undone here so that values compare as text.
        headers = [[k, v.encode("iso-8859-1").decode("utf-8")] for k, v in signed.header_params.items()]
        return {"headers": headers, "uri": signed.uri}

    return sign


def acs3_signer():
    import alibabacloud_tea_openapi.client as openapi_client
    import alibabacloud_tea_openapi.utils as openapi_utils
    from alibabacloud_tea_openapi import models as openapi_models
    from darabonba.runtime import RuntimeOptions

    Utils = openapi_utils.Utils
    seen = {}

    def stop_before_sending(request, runtime_option=None):
        seen["request"] = request
        raise Stop()

    Utils.get_timestamp = staticmethod(lambda: NOW["iso"])
    Utils.get_nonce = staticmethod(lambda: NOW["nonce"])
    Utils.get_user_agent = staticmethod(lambda user_agent=None: "sdk-default-user-agent")
    openapi_client.DaraCore.do_action = staticmethod(stop_before_sending)

    def sign(r, body):
        parts = urlsplit(r["url"])
        client = openapi_client.Client(openapi_models.Config(
            access_key_id=r["key_id"], access_key_secret=r["secret"],
            security_token=r["security_token"], endpoint=parts.netloc,
            protocol=parts.scheme.upper()))
        params = openapi_models.Params(
            action=r["action"], version=r["version"], protocol=parts.scheme.upper(),
            pathname=parts.path, method=r["method"], auth_type="AK", style="ROA",
            req_body_type="byte", body_type="json")
        request = openapi_models.OpenApiRequest(
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers=dict(r["headers"]), body=body if body else None)
        try:
            client.do_request(params, request, RuntimeOptions())
        except Stop:
            pass
        sent = seen.pop("request")
        return {"headers": [[k, v] for k, v in sent.headers.items()]}

    return sign


def roa_signer():
    from aliyunsdkcore.auth.composer import roa_signature_composer as composer
    from aliyunsdkcore.http import format_type
    from aliyunsdkcore.utils import parameter_helper as helper

    helper.get_rfc_2616_date = lambda: time.strftime(helper.FORMAT_RFC_2616, time.gmtime(NOW["unix"]))
    formats = {"application/json": format_type.JSON, "application/xml": format_type.XML,
               "application/octet-stream": format_type.RAW}

    def sign(r, body):
        parts = urlsplit(r["url"])
        headers = dict(r["headers"])
        if r["security_token"] is not None:
            headers["x-acs-security-token"] = r["security_token"]
        if body:
            headers["Content-MD5"] = helper.md5_sum(body)
        queries = {}
        for pair in parts.query.split("&"):
            if not pair:
                continue
            name, eq, value = pair.partition("=")
            queries[unquote_plus(name)] = unquote_plus(value) if eq else None
        signed, _ = composer.get_signature_headers(
            queries, r["key_id"], r["secret"], formats[headers["Accept"]], headers,
            unquote(parts.path), None, r["method"])
        return {"headers": [[k, v] for k, v in signed.items()]}

    return sign


def main():
    source, target = sys.argv[1], sys.argv[2]
    signers = {}
    makers = {"huawei": huawei_signer, "acs3": acs3_signer, "roa": roa_signer}
    with open(source, encoding="utf-8") as lines, open(target, "w", encoding="utf-8") as out:
        for line in lines:
            r = json.loads(line)
            scheme = r["scheme"]
            if scheme not in signers:
                signers[scheme] = makers[scheme]()
            moment = datetime.fromtimestamp(r["time"], tz=timezone.utc)
            NOW.update(datetime=moment.replace(tzinfo=None), iso=moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       unix=r["time"], nonce=r["nonce"])
            body = base64.b64decode(r["body"])
            out.write(json.dumps(signers[scheme](r, body), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
