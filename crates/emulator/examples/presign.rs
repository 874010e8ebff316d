//! Writes N signed CSS CreateSnapshot requests, each for a new snapshot name, for the load
//! benchmark (`bench/run.sh`), as raw HTTP/1.1 requests separated by a NUL byte, dealt round-robin
//! into THREADS files (`FILE.0`, `FILE.1`, ...), one per load-generator thread. Signing happens
//! here, before the measurement, so that the load generator spends its CPU on sending.
//!
//! cargo run --release -p snapspec-emulator --example presign -- HOST:PORT COUNT THREADS FILE [list]
//!
//! With `list`, each file instead holds one signed ListSnapshots request of the same cluster,
//! which the load generator repeats (a list changes nothing, so repeating it is a valid load).

use std::io::Write;

use snapspec_auth::HuaweiCredentials;
use snapspec_runtime::RequestSigner;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (host, count, threads, file, list) = match args.as_slice() {
        [host, count, threads, file] => (host, count, threads, file, false),
        [host, count, threads, file, mode] if mode == "list" => (host, count, threads, file, true),
        _ => {
            return Err(
                "usage: presign HOST:PORT COUNT THREADS FILE [list] (credentials from HUAWEICLOUD_SDK_AK/_SK)"
                    .into(),
            );
        }
    };
    let (count, threads): (usize, usize) = (count.parse()?, threads.parse()?);
    let credentials = HuaweiCredentials::from_env(&|name| std::env::var(name).ok())?
        .with_project_id("bench-project");
    let signer = RequestSigner::huawei(credentials);
    let mut outs = (0..threads)
        .map(|t| std::fs::File::create(format!("{file}.{t}")).map(std::io::BufWriter::new))
        .collect::<Result<Vec<_>, _>>()?;
    if list {
        let path = "/v1.0/bench-project/clusters/bench-cluster/index_snapshots";
        for out in &mut outs {
            let mut request = reqwest::Request::new(
                reqwest::Method::GET,
                format!("http://{host}{path}").parse()?,
            );
            signer.sign_request(&mut request, "list_snapshots")?;
            write!(out, "GET {path} HTTP/1.1\r\n")?;
            for (name, value) in request.headers() {
                write!(out, "{name}: {}\r\n", value.to_str()?)?;
            }
            write!(out, "\r\n\0")?;
            out.flush()?;
        }
        return Ok(());
    }
    let path = "/v1.0/bench-project/clusters/bench-cluster/index_snapshot";
    for i in 0..count {
        let body = format!(
            r#"{{"name":"snapshot-{i:08}","indices":"myindex1,myindex2","description":""}}"#
        );
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            format!("http://{host}{path}").parse()?,
        );
        request
            .headers_mut()
            .insert("content-type", "application/json".parse()?);
        *request.body_mut() = Some(body.clone().into());
        signer.sign_request(&mut request, "create_snapshot")?;
        let out = &mut outs[i % threads];
        write!(out, "POST {path} HTTP/1.1\r\n")?;
        for (name, value) in request.headers() {
            write!(out, "{name}: {}\r\n", value.to_str()?)?;
        }
        write!(out, "content-length: {}\r\n\r\n{body}\0", body.len())?;
    }
    for out in &mut outs {
        out.flush()?;
    }
    Ok(())
}
