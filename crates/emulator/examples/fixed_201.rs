//! The ceiling for the load benchmark: a bare axum handler answering every request with a fixed
//! 201 and the documented CSS response, no checks, no state. Given a file, it answers 200 with
//! that file's bytes instead (the list benchmark's ceiling: the emulator's own list answer,
//! served without verifying, looking up or serializing anything).
//!
//! cargo run --release -p snapspec-emulator --example fixed_201 -- 127.0.0.1:PORT [BODY_FILE]

const RESPONSE: &str =
    r#"{"backup":{"id":"9dc4f5c9-33c0-45c7-9378-ae35ae350682","name":"snapshot_101"}}"#;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let address = args.next().unwrap_or_else(|| "127.0.0.1:8081".to_string());
    let (status, body) = match args.next() {
        Some(file) => (
            axum::http::StatusCode::OK,
            axum::body::Bytes::from(std::fs::read(file)?),
        ),
        None => (
            axum::http::StatusCode::CREATED,
            axum::body::Bytes::from_static(RESPONSE.as_bytes()),
        ),
    };
    let listener = tokio::net::TcpListener::bind(&address).await?;
    let app = axum::Router::new().fallback(move || {
        let body = body.clone();
        async move { (status, [("content-type", "application/json")], body) }
    });
    axum::serve(listener, app).await
}
