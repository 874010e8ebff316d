//! What both schemes compute per request but need not: the HMAC key schedule of a secret that
//! does not change, and the date text of a second already formatted.

use std::cell::Cell;
use std::fmt;
use std::time::SystemTime;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// An HMAC-SHA256 key with its inner and outer padded states computed once. Both schemes sign
/// with the secret itself as the key, so a signer that keeps one of these skips two SHA-256
/// blocks per request. Holds key material: `Debug` prints nothing of it.
#[derive(Clone)]
pub struct SigningKey(Hmac<Sha256>);

impl SigningKey {
    /// The key schedule of `secret`.
    pub fn new(secret: &str) -> SigningKey {
        SigningKey(Hmac::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length"))
    }

    /// The lowercase hex HMAC of `parts` concatenated, written into `out`.
    pub(crate) fn hex_mac<'a>(&self, parts: &[&str], out: &'a mut [u8; 64]) -> &'a str {
        let mut mac = self.0.clone();
        for part in parts {
            mac.update(part.as_bytes());
        }
        hex::encode_to_slice(mac.finalize().into_bytes(), out)
            .expect("64 bytes hold a hex SHA-256");
        std::str::from_utf8(out).expect("hex is ASCII")
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(***)")
    }
}

/// `time` as RFC 3339 UTC to the second (`2026-11-24T08:30:15Z`). Requests signed in the same
/// second share the text, so each thread keeps the last one it formatted.
pub(crate) fn rfc3339_seconds(time: SystemTime) -> [u8; 20] {
    thread_local! {
        static LAST: Cell<Option<(SystemTime, [u8; 20])>> = const { Cell::new(None) };
    }
    let second = truncate_to_second(time);
    LAST.with(|last| match last.get() {
        Some((cached, text)) if cached == second => text,
        _ => {
            let mut text = [0u8; 20];
            let formatted = humantime::format_rfc3339_seconds(second).to_string();
            text.copy_from_slice(formatted.as_bytes());
            last.set(Some((second, text)));
            text
        }
    })
}

fn truncate_to_second(time: SystemTime) -> SystemTime {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(since) => SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(since.as_secs()),
        // Before 1970: humantime refuses these anyway; leave the value as it is.
        Err(_) => time,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_cached_date_follows_the_clock_across_seconds() {
        let time = humantime::parse_rfc3339("2026-11-24T08:30:15Z").unwrap();
        assert_eq!(&rfc3339_seconds(time), b"2026-11-24T08:30:15Z");
        assert_eq!(
            &rfc3339_seconds(time + Duration::from_millis(999)),
            b"2026-11-24T08:30:15Z"
        );
        assert_eq!(
            &rfc3339_seconds(time + Duration::from_secs(1)),
            b"2026-11-24T08:30:16Z"
        );
        assert_eq!(
            &rfc3339_seconds(time - Duration::from_secs(86_400)),
            b"2026-11-23T08:30:15Z"
        );
    }

    #[test]
    fn a_precomputed_key_signs_as_a_fresh_one() {
        let key = SigningKey::new("secret");
        let mut out = [0u8; 64];
        let mut fresh = Hmac::<Sha256>::new_from_slice(b"secret").unwrap();
        fresh.update(b"ab\ncd");
        let expected = hex::encode(fresh.finalize().into_bytes());
        assert_eq!(key.hex_mac(&["ab", "\n", "cd"], &mut out), expected);
        // The key is reusable: a second MAC starts from the key, not from the first message.
        assert_eq!(key.hex_mac(&["ab\ncd"], &mut out), expected);
        assert_eq!(format!("{key:?}"), "SigningKey(***)");
    }
}
