//! Percent-encoding as the vendors' SDKs do it (Python's `urllib.parse.quote`; the writer is
//! `canonical::write_quoted`).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str};

/// Everything but `A-Z a-z 0-9 _ . - ~`: `quote(s, safe='~')`.
pub(crate) const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~');

/// Whether `quote` leaves this byte as it is.
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'~')
}

/// `unquote(s)`: `%XX` sequences decoded as UTF-8 (invalid sequences replaced, as Python does).
pub(crate) fn unquote(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Query parameters decoded as `parse_qsl` decodes them (`+` is a space).
pub(crate) fn query_pairs(url: &url::Url) -> Vec<(String, String)> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_keeps_only_unreserved_characters() {
        let mut quoted = String::new();
        crate::canonical::write_quoted(&mut quoted, "a b*~/é-_.").unwrap();
        assert_eq!(quoted, "a%20b%2A~%2F%C3%A9-_.");
        assert_eq!(unquote("a%20b%2A~%2F%C3%A9"), "a b*~/é");
    }
}
