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

/// Alibaba error codes that describe a passing state rather than a bad request.
const RETRYABLE_CODES: [&str; 4] = [
    "Throttling",
    "ServiceUnavailable",
    "InternalError",
    "InstanceActivating",
];

impl VendorError {
    /// Reads an error answer: its status, headers and body (JSON from Huawei or Alibaba; anything
    /// else leaves code and message empty).
    pub fn from_response(
        status: u16,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
    ) -> VendorError {
        let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let field = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| json.get(*name).and_then(|v| v.as_str()).map(str::to_string))
        };
        let code = field(&["error_code", "errCode", "Code", "code"]);
        let message = field(&["error_msg", "externalMessage", "Message", "message"]);
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| field(&["RequestId", "request_id"]));
        let retryable_code = code.as_deref().is_some_and(|code| {
            RETRYABLE_CODES
                .iter()
                .any(|retryable| code == *retryable || code.starts_with(&format!("{retryable}.")))
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
    use reqwest::header::HeaderMap;

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
        assert!(
            VendorError::from_response(400, &HeaderMap::new(), br#"{"Code":"Throttling.User"}"#)
                .retryable
        );
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
