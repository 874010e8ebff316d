//! Cost of signing one documented request with each scheme: the pure signers (no HTTP), and
//! `RequestSigner::sign_request` on the `reqwest::Request` progenitor would build (reading its
//! headers and body, rewriting the URL as the SDK sends it, inserting the headers; the Alibaba
//! one also draws a nonce). The CSS request is `POST .../index_snapshot` with the documented body;
//! the Alibaba one `AddSnapshotRepo` with the documented instance id and body.

use std::time::{Duration, SystemTime};

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use snapspec_auth::{AlibabaCredentials, HuaweiCredentials, SignableRequest, alibaba, huawei};

fn signing(c: &mut Criterion) {
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
    let css_url = url::Url::parse(
        "https://css.cn-north-4.myhuaweicloud.com/v1.0/6204a5bd270343b5885144cf9c8c158d/clusters/ea244205-d641-45d9-9dcb-ab2236bcd07e/index_snapshot",
    )
    .unwrap();
    let css_body = br#"{"name":"snapshot_001","indices":"myindex1,myindex2","description":""}"#;
    let css_headers = [("content-type", "application/json")];
    let huawei_credentials = HuaweiCredentials::new("HPUAEXAMPLEAK0000001", "ExampleSecretKey")
        .with_project_id("6204a5bd270343b5885144cf9c8c158d");
    c.bench_function("huawei SDK-HMAC-SHA256, CSS documented request", |b| {
        b.iter(|| {
            let request = SignableRequest {
                method: "POST",
                url: &css_url,
                headers: &css_headers,
                body: css_body,
            };
            black_box(huawei::sign(black_box(&request), &huawei_credentials, time))
        })
    });

    let es_url = url::Url::parse(
        "https://elasticsearch.cn-hangzhou.aliyuncs.com/openapi/instances/es-cn-n6w1o1x0w001c%2A%2A%2A%2A/snapshot-repos",
    )
    .unwrap();
    let es_body = br#"{"repoPath":"es-cn-4591jumei000u****"}"#;
    let es_headers = [
        ("content-type", "application/json"),
        ("accept", "application/json"),
    ];
    let alibaba_credentials =
        AlibabaCredentials::new("LTAI5tExampleKeyId0001", "ExampleAccessKeySecret");
    let operation = alibaba::Operation {
        action: "AddSnapshotRepo",
        version: "2017-06-13",
    };
    c.bench_function(
        "alibaba ACS3-HMAC-SHA256, AddSnapshotRepo documented request",
        |b| {
            b.iter(|| {
                let request = SignableRequest {
                    method: "POST",
                    url: &es_url,
                    headers: &es_headers,
                    body: es_body,
                };
                black_box(alibaba::sign(
                    black_box(&request),
                    operation,
                    &alibaba_credentials,
                    time,
                    "3f2a9c1e7b6d4a0f8e5c2b1a9d8e7f60",
                ))
            })
        },
    );
}

criterion_group!(benches, signing, request_signer);
criterion_main!(benches);

/// A documented request as progenitor builds it, with its `api-version` header.
fn progenitor_request(url: &url::Url, body: &'static str) -> reqwest::Request {
    let mut request = reqwest::Request::new(reqwest::Method::POST, url.clone());
    let headers = request.headers_mut();
    headers.insert("content-type", "application/json".parse().unwrap());
    headers.insert("accept", "application/json".parse().unwrap());
    headers.insert("api-version", "1.0".parse().unwrap());
    *request.body_mut() = Some(body.into());
    request
}

fn request_signer(c: &mut Criterion) {
    let signer = snapspec_runtime::RequestSigner::huawei(
        HuaweiCredentials::new("HPUAEXAMPLEAK0000001", "ExampleSecretKey")
            .with_project_id("6204a5bd270343b5885144cf9c8c158d"),
    );
    let url: url::Url = "http://127.0.0.1:8080/v1.0/p1/clusters/c1/index_snapshot"
        .parse()
        .unwrap();
    c.bench_function(
        "RequestSigner::sign_request, Huawei, reqwest::Request",
        |b| {
            b.iter_batched(
                || {
                    progenitor_request(
                        &url,
                        r#"{"name":"snapshot_001","indices":"myindex1,myindex2","description":""}"#,
                    )
                },
                |mut request| {
                    signer
                        .sign_request(&mut request, "create_snapshot")
                        .unwrap();
                    request
                },
                criterion::BatchSize::SmallInput,
            )
        },
    );

    let signer = snapspec_runtime::RequestSigner::alibaba(
        AlibabaCredentials::new("LTAI5tExampleKeyId0001", "ExampleAccessKeySecret"),
        "2017-06-13",
    );
    // As progenitor builds it: the `*` of the instance id not yet encoded.
    let url: url::Url = "https://elasticsearch.cn-hangzhou.aliyuncs.com/openapi/instances/es-cn-n6w1o1x0w001c****/snapshot-repos"
        .parse()
        .unwrap();
    c.bench_function(
        "RequestSigner::sign_request, Alibaba, reqwest::Request",
        |b| {
            b.iter_batched(
                || progenitor_request(&url, r#"{"repoPath":"es-cn-4591jumei000u****"}"#),
                |mut request| {
                    signer
                        .sign_request(&mut request, "AddSnapshotRepo")
                        .unwrap();
                    request
                },
                criterion::BatchSize::SmallInput,
            )
        },
    );
}
