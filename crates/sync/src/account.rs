//! Signing a station in to a server profile and out of it, and the client of a signed-in
//! profile: what `korrigo login | logout | sync` and the desktop's sync panel both do.
//!
//! Invariants: a profile's token is written only after the server accepted the
//! password, and only to the token store (the OS keyring); signing in to another server
//! under the same profile forgets the old server's token.

use crate::client::{login, Client};
use crate::profile::{check_name, Profile, Profiles};
use crate::token::TokenStore;
use korrigo_core::error::{Error, ErrorCode, Result};
use korrigo_core::sync::LoginResponse;
use std::path::{Path, PathBuf};

/// What signing in needs: the profile to sign in under, the server, the account, and
/// where the station's data lives (else the profile's, else a new folder under `data_root`).
#[derive(Debug, Clone)]
pub struct SignIn<'a> {
    pub profile: &'a str,
    pub server: &'a str,
    pub login: &'a str,
    pub password: &'a str,
    pub data_dir: Option<PathBuf>,
    pub data_root: &'a Path,
}

#[derive(Debug, Clone)]
pub struct SignedIn {
    pub profile: Profile,
    pub session: LoginResponse,
}

/// The data directory signing in under `profile` would use.
pub fn data_dir_for(config: &Path, req: &SignIn<'_>) -> Result<PathBuf> {
    let profiles = Profiles::load(config)?;
    Ok(match (&req.data_dir, profiles.get(req.profile)) {
        (Some(d), _) => d.clone(),
        (None, Some(p)) => p.data_dir.clone(),
        (None, None) => Profiles::data_dir_for(req.profile, req.data_root)?,
    })
}

/// Signs the station `station_id` in, keeps the token, and makes the profile active.
pub fn sign_in(
    config: &Path,
    tokens: &dyn TokenStore,
    req: &SignIn<'_>,
    station_id: &str,
) -> Result<SignedIn> {
    check_name(req.profile)?;
    let mut profiles = Profiles::load(config)?;
    let server_url = Client::new(req.server, "")?.base_url().to_string();
    let previous = profiles.get(req.profile).cloned();
    let data_dir = data_dir_for(config, req)?;
    let session = login(&server_url, req.login, req.password, Some(station_id))?;
    let profile = Profile {
        name: req.profile.to_string(),
        server_url,
        data_dir,
    };
    if let Some(old) = previous.filter(|p| p.server_url != profile.server_url) {
        tokens.delete(&old)?;
    }
    tokens.set(&profile, &session.token)?;
    profiles.upsert(profile.clone())?;
    profiles.use_profile(&profile.name)?;
    profiles.save(config)?;
    Ok(SignedIn { profile, session })
}

/// Ends the session of `profile` on its server (if it answers) and forgets its token.
/// Returns the server's error, if any, since the token is forgotten anyway.
pub fn sign_out(tokens: &dyn TokenStore, profile: &Profile) -> Result<Option<Error>> {
    let server = match tokens.get(profile)? {
        Some(token) => Client::new(&profile.server_url, token)?.logout().err(),
        None => None,
    };
    tokens.delete(profile)?;
    Ok(server)
}

pub fn active(profiles: &Profiles) -> Result<&Profile> {
    profiles.active().ok_or_else(|| {
        Error::new(
            ErrorCode::Unauthorized,
            "no active server profile: sign in to a server first",
        )
    })
}

/// The profile whose station lives in `data_dir`, if any.
pub fn profile_of(config: &Path, data_dir: &Path) -> Result<Option<Profile>> {
    Ok(Profiles::load(config)?
        .profiles
        .into_iter()
        .find(|p| p.data_dir == data_dir))
}

/// A client of the profile's server with its token, or `unauthorized` when signed out.
pub fn client_for(tokens: &dyn TokenStore, profile: &Profile) -> Result<Client> {
    let token = tokens.get(profile)?.ok_or_else(|| {
        Error::new(
            ErrorCode::Unauthorized,
            format!(
                "not signed in to {} (profile '{}')",
                profile.server_url, profile.name
            ),
        )
    })?;
    Client::new(&profile.server_url, token)
}
