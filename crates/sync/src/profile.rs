//! The servers this machine syncs with: named profiles, each with its server address and
//! its own data directory, in `profiles.json` in the OS config directory (or in
//! `KORRIGO_CONFIG_DIR`). One profile is active; switching is explicit.
//!
//! Invariants: profile names are unique and safe as a folder name; the file never holds
//! a token (tokens live in the OS keyring, see `token`); the file is replaced whole
//! (temp file and rename), never left half written.

use korrigo_core::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "profiles.json";
/// The profile a login without `--profile` uses; its data directory is the station's
/// default one.
pub const DEFAULT_PROFILE: &str = "default";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub server_url: String,
    pub data_dir: PathBuf,
}

impl Profile {
    /// The keyring entry's user of this profile's token.
    pub fn keyring_user(&self) -> String {
        format!("{}@{}", self.name, self.server_url)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profiles {
    #[serde(default)]
    pub active: Option<String>,
    #[serde(default)]
    pub profiles: Vec<Profile>,
}

/// The folder of `profiles.json`: `KORRIGO_CONFIG_DIR`, else the OS config directory.
pub fn config_dir() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("KORRIGO_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    directories::ProjectDirs::from("org", "Korrigo", "Korrigo Station")
        .map(|p| p.config_dir().to_path_buf())
        .ok_or_else(|| {
            Error::validation(
                "no home directory to keep the server profiles in: set KORRIGO_CONFIG_DIR",
            )
        })
}

/// Checks a profile name: 1 to 64 letters, digits, `-`, `_` or `.`, not starting with `.`.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Error::validation(format!(
            "'{name}' is not a profile name: use 1 to 64 letters, digits, '-', '_' or '.'"
        )))
    }
}

impl Profiles {
    /// Reads `profiles.json` in `dir`; none yet is no profile.
    pub fn load(dir: &Path) -> Result<Profiles> {
        let path = dir.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                Error::corrupt_input(format!(
                    "{} is not a profile list ({e}): fix or remove it",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Profiles::default()),
            Err(e) => Err(Error::internal(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }

    pub fn save(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::internal(format!("cannot create {}: {e}", dir.display())))?;
        let text = serde_json::to_string_pretty(self).expect("profiles serialise to JSON");
        korrigo_core::media::write_file_atomically(&dir.join(FILE_NAME), text.as_bytes())
    }

    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    pub fn active(&self) -> Option<&Profile> {
        self.active.as_deref().and_then(|n| self.get(n))
    }

    /// Adds the profile, or changes the one of that name.
    pub fn upsert(&mut self, profile: Profile) -> Result<()> {
        check_name(&profile.name)?;
        match self.profiles.iter_mut().find(|p| p.name == profile.name) {
            Some(p) => *p = profile,
            None => self.profiles.push(profile),
        }
        Ok(())
    }

    /// Makes `name` the active profile.
    pub fn use_profile(&mut self, name: &str) -> Result<&Profile> {
        if self.get(name).is_none() {
            let known: Vec<&str> = self.profiles.iter().map(|p| p.name.as_str()).collect();
            return Err(Error::not_found(if known.is_empty() {
                format!("no profile named '{name}': there is none yet, log in first")
            } else {
                format!(
                    "no profile named '{name}' (there are: {})",
                    known.join(", ")
                )
            }));
        }
        self.active = Some(name.to_string());
        Ok(self.get(name).expect("checked above"))
    }

    /// The data directory a new profile gets: the station's default one for the default
    /// profile, else `<data root>/profiles/<name>`.
    pub fn data_dir_for(name: &str, data_root: &Path) -> Result<PathBuf> {
        check_name(name)?;
        Ok(if name == DEFAULT_PROFILE {
            data_root.to_path_buf()
        } else {
            data_root.join("profiles").join(name)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str, root: &Path) -> Profile {
        Profile {
            name: name.into(),
            server_url: format!("https://{name}.example.org"),
            data_dir: Profiles::data_dir_for(name, root).unwrap(),
        }
    }

    #[test]
    fn profiles_switch_only_when_asked_and_survive_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("data");
        assert_eq!(Profiles::load(dir.path()).unwrap(), Profiles::default());

        let mut p = Profiles::default();
        p.upsert(profile(DEFAULT_PROFILE, &root)).unwrap();
        p.upsert(profile("lycee-b", &root)).unwrap();
        assert!(
            p.active().is_none(),
            "adding a profile does not switch to it"
        );
        p.use_profile("lycee-b").unwrap();
        p.save(dir.path()).unwrap();

        let mut again = Profiles::load(dir.path()).unwrap();
        assert_eq!(again, p);
        let active = again.active().unwrap();
        assert_eq!(active.data_dir, root.join("profiles").join("lycee-b"));
        assert_eq!(active.keyring_user(), "lycee-b@https://lycee-b.example.org");
        assert_eq!(again.get(DEFAULT_PROFILE).unwrap().data_dir, root);

        let err = again.use_profile("lycee-c").unwrap_err();
        assert_eq!(err.code, korrigo_core::ErrorCode::NotFound);
        assert!(err.message.contains("default, lycee-b"), "{}", err.message);
        assert_eq!(
            again.active().unwrap().name,
            "lycee-b",
            "a failed switch changes nothing"
        );

        // Logging in again to a profile changes its server, not the list's order.
        again
            .upsert(Profile {
                server_url: "https://new.example.org".into(),
                ..profile(DEFAULT_PROFILE, &root)
            })
            .unwrap();
        assert_eq!(again.profiles.len(), 2);
        assert_eq!(again.profiles[0].server_url, "https://new.example.org");
    }

    #[test]
    fn a_profile_name_is_safe_as_a_folder_and_a_broken_file_is_named() {
        for bad in ["", "..", "../x", "a/b", "a b", ".hidden"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        check_name("Lycée").unwrap_err();
        check_name("lycee_2.b-3").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "{ not json").unwrap();
        let err = Profiles::load(dir.path()).unwrap_err();
        assert_eq!(err.code, korrigo_core::ErrorCode::CorruptInput);
        assert!(err.message.contains(FILE_NAME), "{}", err.message);
    }
}
