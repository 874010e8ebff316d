//! The client CPU the retry layer adds to a request that succeeds on its first attempt: keeping
//! a copy of the signed request for a retry, classifying the answer, dropping the copy
//! (`retry::first_attempt_bookkeeping`, the same steps `retry::execute` takes around the send).
//! Beside it, in the same run, the signing of the same request, for scale.
//!
//! cargo bench -p snapspec-bench --bench retry_overhead

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{Criterion, criterion_group, criterion_main};
use snapspec_runtime::retry::first_attempt_bookkeeping;
use snapspec_runtime::{HuaweiCredentials, RequestSigner, Vendor};

const BODY: &str = r#"{"name":"snapshot_001","indices":"myindex1,myindex2","description":""}"#;
const ANSWER: &str =
    r#"{"backup":{"id":"9dc4f5c9-33c0-45c7-9378-ae35ae350682","name":"snapshot_101"}}"#;

/// The signed `CreateSnapshot` request progenitor and the signer build.
fn signed_request(signer: &RequestSigner) -> reqwest::Request {
    let url = "https://css.cn-north-4.myhuaweicloud.com/v1.0/p1/clusters/c1/index_snapshot";
    let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
    request.headers_mut().insert(
        reqwest::header::CONTENT_TYPE,
        reqwest::header::HeaderValue::from_static("application/json"),
    );
    *request.body_mut() = Some(BODY.into());
    signer
        .sign_request(&mut request, "create_snapshot")
        .unwrap();
    request
}

fn answer() -> reqwest::Response {
    reqwest::Response::from(
        http::Response::builder()
            .status(201)
            .header("content-type", "application/json")
            .header("x-request-id", "0c6c1ad1f1b3e2d2a1c9f0e8d7c6b5a4")
            .body(ANSWER)
            .unwrap(),
    )
}

fn retry_overhead(c: &mut Criterion) {
    let signer = RequestSigner::huawei(HuaweiCredentials::new("AK1", "SK1").with_project_id("p1"))
        .with_clock(|| SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000));
    let request = signed_request(&signer);
    c.bench_function(
        "retry layer on a first-attempt success (clone, classify, drop)",
        |b| {
            b.iter_batched(
                answer,
                |response| first_attempt_bookkeeping(black_box(&request), response, Vendor::Huawei),
                criterion::BatchSize::SmallInput,
            )
        },
    );
    c.bench_function("for scale: signing the same request (Huawei AK/SK)", |b| {
        b.iter_batched(
            || {
                let mut unsigned = request.try_clone().unwrap();
                RequestSigner::strip_signature(&mut unsigned);
                unsigned
            },
            |mut unsigned| signer.sign_request(black_box(&mut unsigned), "create_snapshot"),
            criterion::BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, retry_overhead);
criterion_main!(benches);
