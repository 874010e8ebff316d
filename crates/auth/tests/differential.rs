//! Differential signing: our signers against the vendors' official Python SDKs on generated
//! requests (`differential/requests.rs`), signed by the SDKs' own code in one Python process
//! (`differential/sign_with_sdk.py`). For every request the `Authorization` must be identical, the
//! headers our signer adds must be in the SDK's request with the same values, the SDK's request
//! must have no header that is neither the caller's nor ours, and (Huawei) the path and query the
//! SDK would send must be the ones our signer's canonical query gives.
//!
//! Needs the pinned SDKs: `crates/auth/tests/differential/run.sh` installs them in a throw-away
//! virtual environment and runs this test with `SNAPSPEC_SDK_PYTHON` naming its interpreter.
//! `SNAPSPEC_DIFFERENTIAL_COUNT` (default 10000 per scheme) and `SNAPSPEC_DIFFERENTIAL_SEED`
//! change the run.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Instant, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use snapspec_auth::huawei;

#[path = "differential/requests.rs"]
mod requests;
use requests::{Generated, Scheme, Target, generate};

const DEFAULT_SEED: u64 = 0x5EED_D1FF_5167_2026;

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text:?} is not a number")),
        Err(_) => default,
    }
}

fn as_json(request: &Generated) -> Value {
    json!({
        "scheme": request.scheme.name(),
        "method": request.method,
        "url": request.url.as_str(),
        "headers": request.headers,
        "body": STANDARD.encode(&request.body),
        "key_id": request.key_id,
        "secret": request.secret,
        "security_token": request.security_token,
        "project_id": request.project_id,
        "action": request.action,
        "version": request.version,
        "time": request.time.duration_since(UNIX_EPOCH).unwrap().as_secs(),
        "nonce": request.nonce,
    })
}

/// The differences between our signature of `request` and the SDK's (`sdk`), empty when none.
fn differences(request: &Generated, sdk: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let added = request.sign_with_snapspec();
    let sdk_headers: Vec<(String, &str)> = sdk["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_ascii_lowercase(),
                pair[1].as_str().unwrap(),
            )
        })
        .collect();
    let sdk_value = |name: &str| {
        sdk_headers
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
    };
    for (name, value) in &added {
        match sdk_value(name) {
            Some(theirs) if theirs == value => {}
            Some(theirs) => found.push(format!("{name}: ours {value:?}, SDK {theirs:?}")),
            None => found.push(format!("{name}: ours {value:?}, SDK has none")),
        }
    }
    let known: BTreeSet<String> = request
        .headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .chain(added.iter().map(|(n, _)| n.to_string()))
        .collect();
    for (name, value) in &sdk_headers {
        if !known.contains(name) {
            found.push(format!("{name}: SDK added {value:?}, ours did not"));
        }
    }
    if request.scheme == Scheme::Huawei {
        let mut uri = request.url.path().to_string();
        if let Some(query) = huawei::canonical_query(&request.url).filter(|q| !q.is_empty()) {
            uri.push('?');
            uri.push_str(&query);
        }
        let theirs = sdk["uri"].as_str().expect("uri");
        if theirs != uri {
            found.push(format!("sent path and query: ours {uri:?}, SDK {theirs:?}"));
        }
    }
    found
}

fn describe(request: &Generated) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "  {} {}", request.method, request.url);
    for (name, value) in &request.headers {
        let _ = writeln!(text, "  {name}: {value:?}");
    }
    let _ = write!(
        text,
        "  body: {} bytes, token: {}, project: {:?}",
        request.body.len(),
        request.security_token.is_some(),
        request.project_id
    );
    text
}

/// Generates `count` requests of `scheme`, has the SDK sign them, and returns (requests compared,
/// descriptions of the first differences, number of differing requests).
fn compare(python: &str, seed: u64, scheme: Scheme, count: u64) -> (u64, Vec<String>, u64) {
    let dir = std::env::temp_dir().join(format!(
        "snapspec-differential-{}-{}",
        std::process::id(),
        scheme.name()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("requests.jsonl");
    let output = dir.join("results.jsonl");
    let generated: Vec<Generated> = (0..count)
        .map(|i| generate(seed, scheme, Target::Sdk, i))
        .collect();
    {
        let mut file = BufWriter::new(std::fs::File::create(&input).unwrap());
        for request in &generated {
            serde_json::to_writer(&mut file, &as_json(request)).unwrap();
            file.write_all(b"\n").unwrap();
        }
        file.flush().unwrap();
    }
    let script: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "differential",
        "sign_with_sdk.py",
    ]
    .iter()
    .collect();
    let status = Command::new(python)
        .arg(&script)
        .arg(&input)
        .arg(&output)
        .status()
        .unwrap_or_else(|e| panic!("running {python}: {e}"));
    assert!(status.success(), "{} failed: {status}", script.display());
    let results = std::io::BufReader::new(std::fs::File::open(&output).unwrap());
    let mut compared = 0;
    let mut differing = 0;
    let mut shown = Vec::new();
    for (request, line) in generated.iter().zip(results.lines()) {
        let sdk: Value = serde_json::from_str(&line.unwrap()).unwrap();
        let found = differences(request, &sdk);
        compared += 1;
        if !found.is_empty() {
            differing += 1;
            if shown.len() < 10 {
                shown.push(format!(
                    "{}\n  differences:\n    {}",
                    describe(request),
                    found.join("\n    ")
                ));
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(compared, count, "the SDK answered fewer requests than sent");
    (compared, shown, differing)
}

/// Every generated request signs identically with our signers and with the official SDKs.
#[test]
#[ignore = "needs the official Python SDKs: run crates/auth/tests/differential/run.sh"]
fn our_signers_agree_with_the_official_sdks_on_generated_requests() {
    let python = std::env::var("SNAPSPEC_SDK_PYTHON").expect(
        "SNAPSPEC_SDK_PYTHON must name a Python with the pinned SDKs: run crates/auth/tests/differential/run.sh",
    );
    let count = env_number("SNAPSPEC_DIFFERENTIAL_COUNT", 10_000);
    let seed = env_number("SNAPSPEC_DIFFERENTIAL_SEED", DEFAULT_SEED);
    let mut failures = Vec::new();
    for scheme in [Scheme::Huawei, Scheme::Acs3, Scheme::Roa] {
        let started = Instant::now();
        let (compared, shown, differing) = compare(&python, seed, scheme, count);
        println!(
            "{}: {compared} requests compared with the SDK, {differing} differences, {:.1} s (seed {seed:#x})",
            scheme.name(),
            started.elapsed().as_secs_f64()
        );
        if differing > 0 {
            failures.push(format!(
                "{}: {differing} of {compared} requests differ; the first:\n{}",
                scheme.name(),
                shown.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The generator is deterministic and produces the classes the differential test is meant to
/// cover (so a change to it cannot silently drop one).
#[test]
fn the_generator_is_deterministic_and_covers_the_input_classes() {
    let a = generate(DEFAULT_SEED, Scheme::Huawei, Target::Sdk, 7);
    let b = generate(DEFAULT_SEED, Scheme::Huawei, Target::Sdk, 7);
    assert_eq!(
        (a.url.as_str(), &a.headers, &a.body),
        (b.url.as_str(), &b.headers, &b.body)
    );
    let all: Vec<Generated> = (0..2000)
        .map(|i| generate(DEFAULT_SEED, Scheme::Huawei, Target::Sdk, i))
        .collect();
    let any = |f: &dyn Fn(&Generated) -> bool| all.iter().any(f);
    assert!(any(&|r| r.method == "PATCH"));
    assert!(any(&|r| r.url.path().contains("%25")));
    assert!(any(
        &|r| r.url.path().contains("%C3%A9") || r.url.path().contains("%E4%B8%AD")
    ));
    assert!(any(&|r| r.url.path().contains('*')));
    assert!(any(&|r| r.url.path().contains("//")));
    assert!(any(&|r| {
        let names: Vec<_> = r.url.query_pairs().map(|(k, _)| k).collect();
        names.len() > 1 && (1..names.len()).any(|i| names[..i].contains(&names[i]))
    }));
    assert!(any(&|r| r.url.query_pairs().any(|(_, v)| v.is_empty())));
    assert!(any(&|r| r
        .headers
        .iter()
        .any(|(_, v)| v.starts_with(' ') && v.trim().contains("  "))));
    assert!(any(&|r| r.headers.iter().any(|(_, v)| !v.is_ascii())));
    assert!(any(&|r| r.body.len() == 1 << 20));
    assert!(any(&|r| std::str::from_utf8(&r.body).is_err()));
    assert!(any(&|r| r.security_token.is_some()));
    // For an HTTP server, header values stay readable as visible ASCII.
    for i in 0..500 {
        let wire = generate(DEFAULT_SEED, Scheme::Acs3, Target::Wire, i);
        assert!(wire.headers.iter().all(|(_, v)| v.is_ascii()));
    }
}
