//! Writing canonical requests without building intermediate strings: the pieces are written to
//! any `fmt::Write`, which is a `String` for callers that want the text, or a SHA-256 hasher when
//! signing (the canonical request is only ever hashed there).

use std::borrow::Cow;
use std::fmt::{self, Write};

use percent_encoding::utf8_percent_encode;
use sha2::{Digest, Sha256};

use crate::encoding::{UNRESERVED, is_unreserved, query_pairs, unquote};

/// A `fmt::Write` that feeds a SHA-256 hasher.
pub(crate) struct HashWriter(Sha256);

impl Write for HashWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

impl HashWriter {
    pub fn new() -> HashWriter {
        HashWriter(Sha256::new())
    }

    /// The lowercase hex digest, without allocating.
    pub fn hex(self, out: &mut [u8; 64]) -> &str {
        hex::encode_to_slice(self.0.finalize(), out).expect("64 bytes hold a hex SHA-256");
        std::str::from_utf8(out).expect("hex is ASCII")
    }
}

/// The lowercase hex SHA-256 of `bytes`, written into `out`.
pub(crate) fn hex_sha256<'a>(bytes: &[u8], out: &'a mut [u8; 64]) -> &'a str {
    // `encode_to_slice` writes the digits straight; `hex::encode` goes through a char iterator.
    hex::encode_to_slice(Sha256::digest(bytes), out).expect("64 bytes hold a hex SHA-256");
    std::str::from_utf8(out).expect("hex is ASCII")
}

/// `s` percent-encoded as `quote(s, safe='~')`, borrowed when nothing needs encoding.
pub(crate) fn write_quoted(out: &mut impl Write, s: &str) -> fmt::Result {
    if s.bytes().all(is_unreserved) {
        out.write_str(s)
    } else {
        write!(out, "{}", utf8_percent_encode(s, UNRESERVED))
    }
}

/// A header name in lower case, borrowed when it already is.
pub(crate) fn lowercase(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Writes `METHOD`, in upper case.
pub(crate) fn write_method(out: &mut impl Write, method: &str) -> fmt::Result {
    if method.bytes().any(|b| b.is_ascii_lowercase()) {
        out.write_str(&method.to_ascii_uppercase())
    } else {
        out.write_str(method)
    }
}

/// Huawei's canonical URI: each segment decoded and re-encoded, with a trailing `/`.
pub(crate) fn write_decoded_uri(out: &mut impl Write, path: &str) -> fmt::Result {
    // Most paths need no decoding or encoding: they are written as they are.
    if path.bytes().all(|b| b == b'/' || is_unreserved(b)) {
        out.write_str(path)?;
        if !path.ends_with('/') {
            out.write_char('/')?;
        }
        return Ok(());
    }
    let decoded: Cow<'_, str> = if path.contains('%') {
        Cow::Owned(unquote(path))
    } else {
        Cow::Borrowed(path)
    };
    for (i, segment) in decoded.split('/').enumerate() {
        if i > 0 {
            out.write_char('/')?;
        }
        write_quoted(out, segment)?;
    }
    if !decoded.ends_with('/') {
        out.write_char('/')?;
    }
    Ok(())
}

/// Which parts of a query pair the canonical form encodes.
#[derive(Clone, Copy)]
pub(crate) enum QueryStyle {
    /// Huawei: sorted by key then value, both encoded.
    EncodeBoth,
    /// Alibaba: sorted by key, only values encoded.
    EncodeValues,
}

/// The canonical query string of `url`.
pub(crate) fn write_query(out: &mut impl Write, url: &url::Url, style: QueryStyle) -> fmt::Result {
    if url.query().is_none_or(str::is_empty) {
        return Ok(());
    }
    let mut pairs = query_pairs(url);
    match style {
        QueryStyle::EncodeBoth => pairs.sort(),
        QueryStyle::EncodeValues => pairs.sort_by(|a, b| a.0.cmp(&b.0)),
    }
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.write_char('&')?;
        }
        match style {
            QueryStyle::EncodeBoth => write_quoted(out, key)?,
            QueryStyle::EncodeValues => out.write_str(key)?,
        }
        out.write_char('=')?;
        write_quoted(out, value)?;
    }
    Ok(())
}

/// Writes `name:value\n` for each header, an empty line, then the names joined by `;`.
/// `headers` is sorted; equal names are joined with `,` (Alibaba; Huawei has no duplicates left).
pub(crate) fn write_headers(out: &mut impl Write, headers: &[(Cow<'_, str>, &str)]) -> fmt::Result {
    let mut i = 0;
    while i < headers.len() {
        let name = &headers[i].0;
        out.write_str(name)?;
        out.write_char(':')?;
        out.write_str(headers[i].1)?;
        i += 1;
        while i < headers.len() && headers[i].0 == *name {
            out.write_char(',')?;
            out.write_str(headers[i].1)?;
            i += 1;
        }
        out.write_char('\n')?;
    }
    out.write_char('\n')?;
    write_signed_names(out, headers)
}

/// The distinct header names joined by `;`.
pub(crate) fn write_signed_names(
    out: &mut impl Write,
    headers: &[(Cow<'_, str>, &str)],
) -> fmt::Result {
    let mut previous: Option<&str> = None;
    for (name, _) in headers {
        if previous == Some(name.as_ref()) {
            continue;
        }
        if previous.is_some() {
            out.write_char(';')?;
        }
        out.write_str(name)?;
        previous = Some(name.as_ref());
    }
    Ok(())
}

/// An `Authorization` value: `{algorithm} {id_field}={id}{separator}SignedHeaders=a;b{separator}
/// Signature={signature}` (Huawei separates with `, `, Alibaba with `,`).
pub(crate) fn authorization(
    algorithm: &str,
    (id_field, id): (&str, &str),
    separator: &str,
    headers: &[(Cow<'_, str>, &str)],
    signature: &str,
) -> String {
    let mut value = String::with_capacity(
        algorithm.len() + id.len() + 24 * headers.len() + signature.len() + 48,
    );
    value.push_str(algorithm);
    value.push(' ');
    value.push_str(id_field);
    value.push('=');
    value.push_str(id);
    value.push_str(separator);
    value.push_str("SignedHeaders=");
    write_signed_names(&mut value, headers).expect("writing to a String");
    value.push_str(separator);
    value.push_str("Signature=");
    value.push_str(signature);
    value
}

/// The value of `name` among sorted signed headers, empty when it is absent.
pub(crate) fn signed_value<'a>(headers: &[(Cow<'_, str>, &'a str)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, value)| *value)
}
