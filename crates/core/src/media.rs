//! The content-addressed media store: original scanner PDFs (and later header crops)
//! kept byte-for-byte under `media/ab/cd/<sha256>.<ext>`.
//!
//! Invariants: a file's name is the sha256 of its bytes; a file appears only complete
//! (written to a temp path in the same directory, synced, then renamed); files are
//! never modified once stored.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct MediaStore {
    root: PathBuf,
}

/// What `put_file` did: the digest, where the file lives, and whether this call wrote it
/// (so that a failed import can remove only what it added).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub path: PathBuf,
    pub created: bool,
}

impl MediaStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        MediaStore { root: root.into() }
    }

    pub fn path_of(&self, sha256: &str, ext: &str) -> PathBuf {
        self.root
            .join(&sha256[0..2])
            .join(&sha256[2..4])
            .join(format!("{sha256}.{ext}"))
    }

    /// The sha256 of a file, streamed.
    pub fn digest_file(path: &Path) -> Result<String> {
        let mut f = File::open(path).map_err(|e| io_err(path, "cannot read", e))?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = f
                .read(&mut buf)
                .map_err(|e| io_err(path, "cannot read", e))?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        Ok(hex::encode(h.finalize()))
    }

    /// Copies `src` into the store (once: an existing identical file is kept).
    pub fn put_file(&self, src: &Path, ext: &str) -> Result<Stored> {
        let sha256 = Self::digest_file(src)?;
        let path = self.path_of(&sha256, ext);
        if path.exists() {
            return Ok(Stored {
                sha256,
                path,
                created: false,
            });
        }
        let mut input = File::open(src).map_err(|e| io_err(src, "cannot read", e))?;
        self.write_atomically(&path, |out| io::copy(&mut input, out).map(|_| ()))?;
        if Self::digest_file(&path)? != sha256 {
            let _ = fs::remove_file(&path);
            return Err(Error::internal(format!(
                "{} changed while it was being imported",
                src.display()
            )));
        }
        Ok(Stored {
            sha256,
            path,
            created: true,
        })
    }

    /// The sha256 of bytes: the name `put_bytes` will give them.
    pub fn digest_bytes(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    /// Stores bytes under their digest.
    pub fn put_bytes(&self, bytes: &[u8], ext: &str) -> Result<Stored> {
        let sha256 = Self::digest_bytes(bytes);
        let path = self.path_of(&sha256, ext);
        if path.exists() {
            return Ok(Stored {
                sha256,
                path,
                created: false,
            });
        }
        self.write_atomically(&path, |out| out.write_all(bytes))?;
        Ok(Stored {
            sha256,
            path,
            created: true,
        })
    }

    fn write_atomically(
        &self,
        path: &Path,
        fill: impl FnOnce(&mut File) -> io::Result<()>,
    ) -> Result<()> {
        let dir = path.parent().expect("media paths have a parent");
        fs::create_dir_all(dir).map_err(|e| io_err(dir, "cannot create", e))?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            path.file_name().unwrap().to_string_lossy(),
            std::process::id()
        ));
        let result = (|| {
            let mut out = File::create(&tmp)?;
            fill(&mut out)?;
            out.sync_all()?;
            fs::rename(&tmp, path)
        })();
        result.map_err(|e| {
            let _ = fs::remove_file(&tmp);
            io_err(path, "cannot write", e)
        })
    }
}

/// Writes a file anywhere (exports, renders) through a temp path and a rename.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        std::process::id()
    ));
    let result = (|| {
        let mut out = File::create(&tmp)?;
        out.write_all(bytes)?;
        out.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_err(path, "cannot write", e)
    })
}

fn io_err(path: &Path, what: &str, e: io::Error) -> Error {
    let code = if e.kind() == io::ErrorKind::NotFound {
        Error::not_found
    } else {
        Error::internal
    };
    code(format!("{what} {}: {e}", path.display()))
}
