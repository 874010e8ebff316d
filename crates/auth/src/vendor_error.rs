//! The vendor's error out of an error answer.

use std::fmt;

/// What a vendor said when it refused a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorError {
    /// HTTP status.
    pub status: u16,
    /// The vendor's error code: Huawei `error_code` or CSS `errCode`; Alibaba `Code`.
    pub code: Option<String>,
    /// The vendor's message: Huawei `error_msg` or CSS `externalMessage`; Alibaba `Message`.
    pub message: Option<String>,
    /// The request id: Huawei's `X-Request-Id` header, Alibaba's `RequestId` in the body.
    pub request_id: Option<String>,
    /// Whether sending the same request again may succeed: throttling, a busy or failing service
    /// (429, 5xx but 501), or an Alibaba instance still activating.
    pub retryable: bool,
}

/// Prefixes of Alibaba error codes that describe a passing state rather than a bad request
/// (`Throttling`, `Throttling.User`, `ThrottlingException`, `ServiceUnavailable`, ...).
const RETRYABLE_CODE_PREFIXES: [&str; 4] = [
    "Throttling",
    "ServiceUnavailable",
    "InternalError",
    "InstanceActivating",
];

/// The first of `names` present in `object` as a string (or a number, which some gateways use
/// for codes), as text.
fn text_field(object: &serde_json::Value, names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| match object.get(*name)? {
        serde_json::Value::String(text) if !text.is_empty() => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    })
}

impl VendorError {
    /// Reads an error answer: its status, headers and body. Understands Huawei bodies
    /// (`error_code`/`error_msg`, CSS's `errCode`/`externalMessage`, and `{"error": {"code",
    /// "message"}}` as IAM answers), with the request id from the `X-Request-Id` header, and
    /// Alibaba bodies (`Code`/`Message`/`RequestId`). Anything else leaves code and message empty.
    pub fn from_response(status: u16, headers: &http::HeaderMap, body: &[u8]) -> VendorError {
        let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        // IAM and some gateways nest the fields in an `error` object.
        let nested = json.get("error").filter(|e| e.is_object());
        let field = |names: &[&str]| {
            text_field(&json, names).or_else(|| nested.and_then(|e| text_field(e, names)))
        };
        let code = field(&["error_code", "errCode", "Code", "code"]);
        let message = field(&["error_msg", "externalMessage", "Message", "message"]);
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .or_else(|| field(&["RequestId", "request_id", "requestId"]));
        let retryable_code = code.as_deref().is_some_and(|code| {
            RETRYABLE_CODE_PREFIXES
                .iter()
                .any(|prefix| code.starts_with(prefix))
        });
        let retryable = status == 429 || (status >= 500 && status != 501) || retryable_code;
        VendorError {
            status,
            code,
            message,
            request_id,
            retryable,
        }
    }
}

impl fmt::Display for VendorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {}: {}: {} (request id {}{})",
            self.status,
            self.code.as_deref().unwrap_or("no code"),
            self.message.as_deref().unwrap_or("no message"),
            self.request_id.as_deref().unwrap_or("unknown"),
            if self.retryable {
                "; a retry may succeed"
            } else {
                ""
            }
        )
    }
}

impl std::error::Error for VendorError {}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;

    #[test]
    fn huawei_errors_take_the_request_id_from_the_header() {
        let mut headers = HeaderMap::new();
        headers.insert("X-Request-Id", "r-1".parse().unwrap());
        let e = VendorError::from_response(
            403,
            &headers,
            br#"{"errCode":"CSS.0015","externalMessage":"denied"}"#,
        );
        assert_eq!(
            (
                e.code.as_deref(),
                e.message.as_deref(),
                e.request_id.as_deref()
            ),
            (Some("CSS.0015"), Some("denied"), Some("r-1"))
        );
        assert!(!e.retryable);
        assert_eq!(e.to_string(), "HTTP 403: CSS.0015: denied (request id r-1)");
    }

    #[test]
    fn alibaba_errors_carry_the_request_id_in_the_body() {
        let e = VendorError::from_response(
            400,
            &HeaderMap::new(),
            br#"{"Code":"InstanceActivating","Message":"Instance is activating.","RequestId":"5FFD"}"#,
        );
        assert_eq!(e.request_id.as_deref(), Some("5FFD"));
        assert!(e.retryable, "an activating instance is worth waiting for");
        let e = VendorError::from_response(
            400,
            &HeaderMap::new(),
            br#"{"Code":"InstanceNotFound","Message":"x"}"#,
        );
        assert!(!e.retryable);
        for code in [
            "Throttling",
            "Throttling.User",
            "ThrottlingException",
            "ServiceUnavailable",
        ] {
            let body = format!(r#"{{"Code":"{code}"}}"#);
            assert!(
                VendorError::from_response(400, &HeaderMap::new(), body.as_bytes()).retryable,
                "{code}"
            );
        }
    }

    #[test]
    fn huawei_bodies_of_every_shape_give_code_and_message() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "0a1b".parse().unwrap());
        let e = VendorError::from_response(
            400,
            &headers,
            br#"{"error_code":"DWS.0001","error_msg":"Invalid parameter."}"#,
        );
        assert_eq!(
            e.to_string(),
            "HTTP 400: DWS.0001: Invalid parameter. (request id 0a1b)"
        );
        let e = VendorError::from_response(
            401,
            &HeaderMap::new(),
            br#"{"error":{"code":401,"message":"The request you have made requires authentication."}}"#,
        );
        assert_eq!(e.code.as_deref(), Some("401"));
        assert_eq!(
            e.message.as_deref(),
            Some("The request you have made requires authentication.")
        );
        let e = VendorError::from_response(
            429,
            &HeaderMap::new(),
            br#"{"error_msg":"The throttling threshold has been reached","error_code":"APIGW.0308","request_id":"r-9"}"#,
        );
        assert_eq!(e.request_id.as_deref(), Some("r-9"));
        assert!(e.retryable);
    }

    #[test]
    fn statuses_decide_retries_when_the_code_does_not() {
        for (status, retryable) in [
            (429, true),
            (500, true),
            (501, false),
            (503, true),
            (404, false),
        ] {
            assert_eq!(
                VendorError::from_response(status, &HeaderMap::new(), b"<html>").retryable,
                retryable,
                "{status}"
            );
        }
    }
}
