use std::fmt;

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

/// A secret (an SK, an AccessKey secret, a security token, an IAM token). `Debug` and `Display`
/// print `***`, so a secret cannot reach a log or an error message by accident.
///
/// The value lives in a [`secrecy::SecretString`], whose memory is overwritten with zeros when
/// the `Secret` (or a clone of it) is dropped. Two secrets compare in constant time (no early
/// exit on the first differing byte), so comparing a presented token with a stored one reveals
/// nothing through timing but the lengths.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        let mut value: String = value.into();
        // Copy into an allocation of the exact size, then wipe the caller's buffer: letting
        // `SecretString` shrink the `String` itself could move the bytes and free the old block
        // without zeroing it.
        let boxed: Box<str> = Box::from(value.as_str());
        value.zeroize();
        Secret(SecretString::from(boxed))
    }

    /// The secret itself, for the signer. Never format it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether `value` equals this secret, compared in constant time for a given length.
    pub fn matches(&self, value: &str) -> bool {
        self.expose().as_bytes().ct_eq(value.as_bytes()).into()
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.matches(other.expose())
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_is_exposed_unchanged_and_never_formatted() {
        let secret = Secret::new(String::from("sk-0123456789 ✓"));
        assert_eq!(secret.expose(), "sk-0123456789 ✓");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(
            format!("{:#?}", Some(secret.clone())),
            "Some(\n    Secret(***),\n)"
        );
    }

    #[test]
    fn equality_is_by_value_in_both_directions() {
        let a = Secret::new("token-a");
        assert_eq!(a, Secret::new("token-a"));
        assert_eq!(a, a.clone());
        assert_ne!(a, Secret::new("token-b"));
        // A prefix and a longer value are different secrets (lengths are compared too).
        assert_ne!(a, Secret::new("token-"));
        assert_ne!(a, Secret::new("token-aa"));
        assert_ne!(Secret::new(""), a);
        assert_eq!(Secret::new(""), Secret::new(""));
        assert!(a.matches("token-a"));
        assert!(!a.matches("token-A"));
    }

    #[test]
    fn a_clone_outlives_the_original() {
        let original = Secret::new("clone-me");
        let copy = original.clone();
        drop(original);
        assert_eq!(copy.expose(), "clone-me");
    }
}
