//! Moving PDFs between the station's media store and the server, by sha256 (the scans,
//! up and down; the exported copies, up):
//! uploads in chunks of 4 MiB that resume from what the server already holds, and
//! downloads checked against their name before they enter the media store.
//!
//! Invariants: a file enters the media store only complete and with the digest it is
//! named by (downloaded to a temp file, checked, then stored by `MediaStore::put_file`);
//! an upload never sends bytes the server already holds.

use crate::client::Client;
use korrigo_core::error::{Error, Result};
use korrigo_core::media::MediaStore;
use korrigo_core::store::{ExportedCopy, Store};
use korrigo_core::sync::{Mutation, StructureState};
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

pub const CHUNK: usize = 4 << 20;

/// The files these mutations need on the server before they are pushed: the source
/// PDFs the copies in their states are cut from, and the exported copies they record.
pub fn uploads_of(mutations: &[Mutation]) -> Vec<String> {
    let mut shas = BTreeSet::new();
    for m in mutations {
        if m.name == ExportedCopy::CHANGE {
            if let Ok(e) = serde_json::from_value::<ExportedCopy>(m.args.clone()) {
                shas.insert(e.sha256);
            }
            continue;
        }
        let Some(state) = &m.state else { continue };
        let Ok(state) = serde_json::from_value::<StructureState>(state.clone()) else {
            continue;
        };
        for c in &state.copies {
            for p in &c.pages {
                shas.insert(p.source.sha256.clone());
            }
        }
    }
    shas.into_iter().collect()
}

/// Uploads each file the server does not hold complete yet; returns how many it sent.
pub fn upload_missing(store: &Store, client: &Client, shas: &[String]) -> Result<usize> {
    let mut sent = 0;
    for sha in shas {
        let status = client.media_status(sha)?;
        if status.complete {
            continue;
        }
        upload(store, client, sha, status.received)?;
        sent += 1;
    }
    Ok(sent)
}

fn upload(store: &Store, client: &Client, sha: &str, mut offset: u64) -> Result<()> {
    let path = store.media().path_of(sha, "pdf");
    let mut file = File::open(&path).map_err(|e| {
        Error::not_found(format!(
            "PDF {sha} is not in this station's media store ({}): {e}",
            path.display()
        ))
    })?;
    let total = file
        .metadata()
        .map_err(|e| Error::internal(format!("cannot read {}: {e}", path.display())))?
        .len();
    let mut stalls = 0;
    loop {
        if offset > total {
            return Err(Error::conflict(format!(
                "the server holds {offset} bytes of {sha}, more than its {total}"
            )));
        }
        let len = (total - offset).min(CHUNK as u64) as usize;
        let mut chunk = vec![0u8; len];
        file.seek(SeekFrom::Start(offset))
            .and_then(|_| file.read_exact(&mut chunk))
            .map_err(|e| Error::internal(format!("cannot read {}: {e}", path.display())))?;
        let status = client.put_media_chunk(sha, offset, total, chunk)?;
        if status.complete {
            return Ok(());
        }
        if status.received == offset {
            stalls += 1;
            if stalls >= 3 {
                return Err(Error::conflict(format!(
                    "the server keeps holding {offset} of {total} bytes of {sha}: upload stalled"
                )));
            }
        } else {
            stalls = 0;
        }
        if status.received == total {
            return Err(Error::corrupt_input(format!(
                "the server holds all {total} bytes of {sha} but does not call it complete"
            )));
        }
        offset = status.received;
    }
}

/// Downloads the files the station lacks into its media store; returns how many.
pub fn download_missing(store: &Store, client: &Client, shas: &[String]) -> Result<usize> {
    let tmp_dir = store.data_dir().join("tmp");
    std::fs::create_dir_all(&tmp_dir)
        .map_err(|e| Error::internal(format!("cannot create {}: {e}", tmp_dir.display())))?;
    for sha in shas {
        let tmp = tmp_dir.join(format!("download-{sha}.part"));
        let result = (|| {
            let mut response = client.get_media(sha)?;
            let mut out = File::create(&tmp)
                .map_err(|e| Error::internal(format!("cannot write {}: {e}", tmp.display())))?;
            response.copy_to(&mut out).map_err(|e| {
                Error::new(
                    korrigo_core::ErrorCode::Offline,
                    format!("downloading source PDF {sha} broke off: {e}"),
                )
            })?;
            drop(out);
            let got = MediaStore::digest_file(&tmp)?;
            if got != *sha {
                return Err(Error::corrupt_input(format!(
                    "the server sent source PDF {sha} with other content (sha256 {got}); it was not stored"
                )));
            }
            store.media().put_file(&tmp, "pdf")?;
            Ok(())
        })();
        let _ = std::fs::remove_file(&tmp);
        result?;
    }
    Ok(shas.len())
}
