//! Where a profile's server token lives: the OS keyring (the Secret Service, e.g.
//! gnome-keyring, on Linux), under service `korrigo-station` and user
//! `<profile>@<server_url>`. Never in SQLite, never in a file.
//!
//! `InMemoryTokensForTests` keeps tokens in memory for tests of other behaviour, so that
//! they need no session bus; the keyring itself is tested by `scripts/keyring-test.sh`.

use crate::profile::Profile;
use korrigo_core::error::{Error, ErrorCode, Result};
use std::collections::HashMap;
use std::sync::Mutex;

pub const KEYRING_SERVICE: &str = "korrigo-station";

pub trait TokenStore {
    fn get(&self, profile: &Profile) -> Result<Option<String>>;
    fn set(&self, profile: &Profile, token: &str) -> Result<()>;
    /// Forgets the token; forgetting a token there is not is fine.
    fn delete(&self, profile: &Profile) -> Result<()>;
}

/// The OS keyring.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyringTokens;

fn entry(profile: &Profile) -> Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, &profile.keyring_user())
        .map_err(|e| keyring_error(profile, e))
}

fn keyring_error(profile: &Profile, e: keyring::Error) -> Error {
    Error::new(
        ErrorCode::Internal,
        format!(
            "the OS keyring cannot keep the token of profile '{}' ({e}): on Linux the Secret Service \
             (gnome-keyring or KWallet) must run and be unlocked",
            profile.name
        ),
    )
}

impl TokenStore for KeyringTokens {
    fn get(&self, profile: &Profile) -> Result<Option<String>> {
        match entry(profile)?.get_password() {
            Ok(t) => Ok(Some(t)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(profile, e)),
        }
    }

    fn set(&self, profile: &Profile, token: &str) -> Result<()> {
        entry(profile)?
            .set_password(token)
            .map_err(|e| keyring_error(profile, e))
    }

    fn delete(&self, profile: &Profile) -> Result<()> {
        match entry(profile)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(profile, e)),
        }
    }
}

/// Tokens in memory, for tests that are not about the keyring.
#[derive(Debug, Default)]
pub struct InMemoryTokensForTests {
    tokens: Mutex<HashMap<String, String>>,
}

impl TokenStore for InMemoryTokensForTests {
    fn get(&self, profile: &Profile) -> Result<Option<String>> {
        Ok(self
            .tokens
            .lock()
            .expect("tokens")
            .get(&profile.keyring_user())
            .cloned())
    }

    fn set(&self, profile: &Profile, token: &str) -> Result<()> {
        self.tokens
            .lock()
            .expect("tokens")
            .insert(profile.keyring_user(), token.to_string());
        Ok(())
    }

    fn delete(&self, profile: &Profile) -> Result<()> {
        self.tokens
            .lock()
            .expect("tokens")
            .remove(&profile.keyring_user());
        Ok(())
    }
}
